package dev.jdnn.networks.parity;

import dev.jdnn.memory.Shape;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DeterministicFillTest {

    @Test
    void hashIsSplitMix64() {
        // SplitMix64's published first output for state 0 is 0xE220A8397B1DCDAF: state += golden gamma, then mix.
        assertEquals(0xE220A8397B1DCDAFL, DeterministicFill.hash(0, 0));
    }

    @Test
    void unitAndScaleByHand() {
        // top 24 bits of 0xE220A8397B1DCDAF = 0xE220A8 = 14819496; u = (14819496 - 2^23) / 2^23 = 6430888 / 8388608
        assertEquals(6430888.0 / 8388608.0, DeterministicFill.unit(0, 0), 0.0);
        // fan_in 27 -> floor(log2 27) = 4 -> e = 2 -> scale 1/4
        assertEquals(0.25f, DeterministicFill.weightScale(Shape.of(8, 3, 3, 3)), 0f);
        assertEquals(1f, DeterministicFill.weightScale(Shape.of(10)), 0f);
        assertEquals(0x1p-5f, DeterministicFill.weightScale(Shape.of(4, 1024)), 0f);
        float[] w = new float[1];
        DeterministicFill.fill(w, 0, Shape.of(1, 27), DeterministicFill.Role.WEIGHT);
        assertEquals((float) (6430888.0 / 8388608.0 / 4), w[0], 0f);
    }

    @Test
    void runningVarStaysPositive() {
        float[] v = new float[4096];
        DeterministicFill.fill(v, 7, Shape.of(4096), DeterministicFill.Role.BN_RUNNING_VAR);
        for (float x : v) assertEquals(true, x >= 1f && x < 1.5f, "running_var " + x);
    }

    /** Cross-checks the bits against the Python implementation the fixture script uses (skips without numpy). */
    @Test
    void matchesPythonBitForBit() throws Exception {
        Path script = findScript();
        assumeTrue(script != null, "ci/pytorch/fill.py not found from " + Path.of("").toAbsolutePath());
        record Case(int k, String role, DeterministicFill.Role javaRole, int... shape) {}
        List<Case> cases = List.of(
                new Case(0, "weight", DeterministicFill.Role.WEIGHT, 8, 3, 3, 3),
                new Case(3, "bias", DeterministicFill.Role.BIAS, 17),
                new Case(5, "bn_weight", DeterministicFill.Role.BN_WEIGHT, 33),
                new Case(6, "bn_running_var", DeterministicFill.Role.BN_RUNNING_VAR, 33),
                new Case(9, "bn_running_mean", DeterministicFill.Role.BN_RUNNING_MEAN, 33),
                new Case(DeterministicFill.INPUT_INDEX, "input", DeterministicFill.Role.INPUT, 2, 3, 5, 5),
                new Case(123, "weight", DeterministicFill.Role.WEIGHT, 1000, 2048));
        for (Case c : cases) {
            Shape shape = Shape.of(c.shape());
            int n = (int) Math.min(shape.numel(), 64);
            List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), Integer.toString(c.k()), Integer.toString(n), c.role()));
            for (int d : c.shape()) cmd.add(Integer.toString(d));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "python3 with numpy unavailable: " + out);
            float[] java = new float[(int) shape.numel()];
            DeterministicFill.fill(java, c.k(), shape, c.javaRole());
            String[] bits = out.split(" ");
            assertEquals(n, bits.length, out);
            for (int j = 0; j < n; j++) {
                assertEquals(Integer.parseUnsignedInt(bits[j], 16), Float.floatToRawIntBits(java[j]),
                        "tensor " + c.k() + " (" + c.role() + ") element " + j);
            }
        }
    }

    private static Path findScript() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("ci/pytorch/fill.py");
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }
}
