package dev.jdnn.networks.parity;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs ci/pytorch/test_compare_fixtures.py (python3 -m unittest, standard library only): the script the GPU check uses
 * to compare PyTorch's GPU fixtures with the committed CPU ones. Skips where python3 or the script is absent.
 */
class FixtureComparisonScriptTest {
    @Test
    void pythonUnitTestsPass() throws Exception {
        Path dir = Path.of("../ci/pytorch");
        if (!Files.isDirectory(dir)) dir = Path.of("ci/pytorch");
        assumeTrue(Files.isRegularFile(dir.resolve("test_compare_fixtures.py")), "ci/pytorch is not reachable from " + Path.of("").toAbsolutePath());
        Process p;
        try {
            p = new ProcessBuilder("python3", "-m", "unittest", "discover", "-s", dir.toString(), "-p", "test_compare_fixtures.py")
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "python3 is not installed: " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python3 unittest did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("OK") && out.contains("Ran 4 tests"), out);
    }
}
