package dev.jdnn.cli;

import dev.jdnn.training.checkpoint.SafeTensorsDType;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.TensorData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The CLI given what a careless or hostile user gives it (issue 17): weights that output NaN or ties, files whose
 * headers overflow or lie, images too large to decode, options that make no sense. Each must end in an honest
 * report or one clear line naming what is wrong (no Java class names), with a non-zero exit code.
 */
class BadInputCliTest {
    @TempDir
    static Path dir;
    static Path data, weights, png;

    @BeforeAll
    static void trainATinyModel() throws Exception {
        data = SyntheticMnist.write(dir.resolve("mnist"), 64, 30);
        Path run = dir.resolve("run");
        CliRunner train = CliRunner.run("train", "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "--batch-size", "16",
                "--limit", "64", "--epochs", "1", "--device", "cpu", "--workers", "1", "--out", run.toString());
        assertEquals(0, train.exitCode(), train.err());
        weights = run.resolve("best.safetensors");
        png = dir.resolve("digit.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
    }

    /** A copy of the trained weights (metadata kept) with each tensor replaced by {@code change}, or kept where it gives null. */
    private static Path rewritten(String name, Function<SafeTensorsFile.Entry, TensorData> change) {
        Path out = dir.resolve(name);
        try (SafeTensorsFile f = SafeTensorsFile.open(weights)) {
            List<TensorData> tensors = new ArrayList<>();
            for (SafeTensorsFile.Entry e : f.entries().values()) {
                TensorData t = change.apply(e);
                tensors.add(t != null ? t : TensorData.f32(e.name(), e.shape(), f.readFloats(e.name())));
            }
            SafeTensorsFile.write(out, tensors, f.metadata());
        }
        return out;
    }

    private static Path filled(String name, float value) {
        return rewritten(name, e -> {
            float[] v = new float[(int) e.numel()];
            Arrays.fill(v, value);
            return TensorData.f32(e.name(), e.shape(), v);
        });
    }

    private static CliRunner eval(Path w) {
        return CliRunner.run("eval", "--weights", w.toString(), "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(),
                "--batch-size", "10", "--device", "cpu");
    }

    /** One "jdnn: error: ..." line naming {@code named}, the --verbose hint, no stack trace and no Java class names. */
    private static void assertOneLineError(CliRunner r, int exitCode, String... expected) {
        assertEquals(exitCode, r.exitCode(), r.out() + r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(2, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("jdnn: error: "), r.err());
        for (String e : expected) assertTrue(lines.get(0).contains(e), "expected '" + e + "' in: " + lines.get(0));
        assertFalse(r.err().matches("(?s).*(Exception|java\\.|\\tat ).*"), "no Java class names: " + r.err());
    }

    @Test
    void tiedOrNonFiniteOutputsNeverScoreAsCorrect() {
        CliRunner zeros = eval(filled("zero.safetensors", 0f));
        assertEquals(0, zeros.exitCode(), zeros.err());
        assertTrue(zeros.out().contains("top-1 0.00%, top-5 0.00%"), "all logits tied: every label ranks last\n" + zeros.out());

        CliRunner nan = eval(filled("nan.safetensors", Float.NaN));
        assertEquals(0, nan.exitCode(), nan.err());
        assertTrue(nan.out().contains("loss NaN, top-1 0.00%, top-5 0.00%"), nan.out());
        assertTrue(nan.out().contains("warning: 30 of 30 samples gave NaN or infinite logits"), nan.out());

        CliRunner predict = CliRunner.run("predict", "--weights", dir.resolve("nan.safetensors").toString(), "--model", "lenet5", "--device", "cpu", png.toString());
        assertOneLineError(predict, 1, "1 of 1 images gave NaN or infinite outputs");
        assertTrue(predict.out().contains("no prediction: the model's outputs are NaN or infinite") && !predict.out().contains("NaN%"), predict.out());
    }

    private static Path handBuiltSafetensors(String name, String json) throws Exception {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return Files.write(dir.resolve(name), ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array());
    }

    @Test
    void overflowingSafetensorsShapesAreRefusedByEveryCommand() throws Exception {
        for (String shape : List.of("[4611686018427387904]", "[4294967296,4294967296]")) {
            Path bad = handBuiltSafetensors("overflow.safetensors", "{\"classifier.4.weight\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[0,0]}}");
            String[][] commands = {
                    {"eval", "--weights", bad.toString(), "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "--device", "cpu"},
                    {"predict", "--weights", bad.toString(), "--model", "lenet5", "--device", "cpu", png.toString()},
                    {"finetune", "--weights", bad.toString(), "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "--device", "cpu",
                            "--batch-size", "16", "--out", dir.resolve("never").toString()},
                    {"train", "--resume", bad.toString(), "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "--device", "cpu",
                            "--batch-size", "16", "--out", dir.resolve("never").toString()}};
            for (String[] c : commands) assertOneLineError(CliRunner.run(c), 1, bad.toString(), "not a valid safetensors file", "jdnn's tensors allow at most 2147483647");
        }
        assertFalse(Files.exists(dir.resolve("never")));
    }

    @Test
    void weightsThatDoNotFitAreRefusedByName() {
        Path ints = rewritten("int32.safetensors", e -> !e.name().equals("features.0.bias") ? null
                : new TensorData(e.name(), SafeTensorsDType.I32, e.shape(), out -> out.write(ByteBuffer.allocate(4 * (int) e.numel()))));
        assertOneLineError(eval(ints), 1, "features.0.bias (file dtype I32, model F32: integer and boolean tensors are not loaded into float parameters)");

        float[] w;
        try (SafeTensorsFile f = SafeTensorsFile.open(weights)) {
            w = f.readFloats("classifier.4.weight");
        }
        float[] t = new float[w.length];
        for (int i = 0; i < 10; i++) for (int j = 0; j < 84; j++) t[j * 10 + i] = w[i * 84 + j];
        Path transposed = rewritten("transposed.safetensors", e -> e.name().equals("classifier.4.weight") ? TensorData.f32(e.name(), new long[]{84, 10}, t) : null);
        CliRunner r = CliRunner.run("predict", "--weights", transposed.toString(), "--model", "lenet5", "--device", "cpu", png.toString());
        assertOneLineError(r, 1, "its head weight classifier.4.weight has shape [84, 10] but the model's head takes [classes, 84] (is it transposed?)");
    }

    @Test
    void corruptDataFilesAreNamed() throws Exception {
        Path wraps = SyntheticMnist.write(dir.resolve("wraps"), 16, 10);
        Files.write(wraps.resolve("train-images-idx3-ubyte"), ByteBuffer.allocate(16).putInt(0x803).putInt(1 << 22).putInt(1 << 21).putInt(1 << 21).array());
        CliRunner r = CliRunner.run("train", "--model", "lenet5", "--data", "mnist", "--data-dir", wraps.toString(), "--device", "cpu", "--out", dir.resolve("never").toString());
        assertOneLineError(r, 1, wraps.resolve("train-images-idx3-ubyte").toString(), "the size of 4194304 images of 2097152x2097152 overflows");

        Path notGzip = SyntheticMnist.write(dir.resolve("notgz"), 16, 10);
        Files.writeString(notGzip.resolve("train-images-idx3-ubyte.gz"), "this is not gzip");
        CliRunner g = CliRunner.run("train", "--model", "lenet5", "--data", "mnist", "--data-dir", notGzip.toString(), "--device", "cpu", "--out", dir.resolve("never").toString());
        assertOneLineError(g, 1, "train-images-idx3-ubyte.gz: not a gzip file");
        assertFalse(Files.exists(dir.resolve("never")));
    }

    @Test
    void anImageTooLargeToDecodeIsRefusedFromItsHeader() throws Exception {
        // 8193 x 8193 one-bit pixels: 8 MB in memory, a few KB as PNG, just over the 64 Mi pixel limit.
        Path big = dir.resolve("big.png");
        ImageIO.write(new BufferedImage(8193, 8193, BufferedImage.TYPE_BYTE_BINARY), "png", big.toFile());
        CliRunner r = CliRunner.run("predict", "--weights", weights.toString(), "--model", "lenet5", "--device", "cpu", big.toString());
        assertOneLineError(r, 1, big.toString(), "png image of 8193x8193 pixels: larger than the 64 Mi pixels jdnn decodes");
        assertFalse(r.err().contains("--batch-size"), "predict has no --batch-size to suggest");
    }

    @Test
    void filesThatCannotBeFoundOrCreatedAreExplainedInWords() throws Exception {
        Path missing = dir.resolve("nope.ckpt");
        CliRunner r = CliRunner.run("train", "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "--device", "cpu", "--resume", missing.toString());
        assertOneLineError(r, 1, missing + ": no such file");

        Path file = Files.writeString(dir.resolve("afile"), "x");
        CliRunner o = CliRunner.run("train", "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "--device", "cpu", "--batch-size", "16",
                "--workers", "1", "--epochs", "1", "--out", file.resolve("sub").toString());
        assertOneLineError(o, 1, "cannot create output directory " + file.resolve("sub") + ": ");
        assertTrue(o.err().toLowerCase().contains("not a directory") || o.err().contains("already exists"), o.err());
    }

    /** Every numeric option's rule, and the named choices', checked before any data is read: the data directory here does not exist. */
    @Test
    void numericOptionsAreCheckedUpFrontWithOneLineEach() {
        String noData = dir.resolve("no-such-data").toString();
        String[] train = {"train", "--model", "lenet5", "--data-dir", noData, "--device", "cpu"};
        String[] finetune = {"finetune", "--weights", "w.safetensors", "--model", "lenet5", "--data-dir", noData, "--device", "cpu"};
        String[] eval = {"eval", "--weights", "w.safetensors", "--model", "lenet5", "--data-dir", noData, "--device", "cpu"};
        String[] predict = {"predict", "--weights", "w.safetensors", "--model", "lenet5", "--device", "cpu", "x.png"};
        Object[][] cases = {
                {train, "--epochs", "0", "--epochs must be >= 1 (passes over the training data), got 0"},
                {train, "--batch-size", "0", "--batch-size must be >= 1"},
                {train, "--lr", "NaN", "--lr must be a finite number > 0 (the size of each update), got NaN"},
                {train, "--lr", "-0.1", "--lr must be a finite number > 0"},
                {train, "--lr", "Infinity", "--lr must be a finite number > 0"},
                {train, "--momentum", "NaN", "--momentum must be in [0, 1) (the fraction of the previous update kept; 0 is plain SGD), got NaN"},
                {train, "--momentum", "2", "--momentum must be in [0, 1)"},
                {train, "--momentum", "-0.5", "--momentum must be in [0, 1)"},
                {train, "--weight-decay", "-1", "--weight-decay must be a finite number >= 0"},
                {train, "--weight-decay", "NaN", "--weight-decay must be a finite number >= 0"},
                {train, "--label-smoothing", "1", "--label-smoothing must be in [0, 1)"},
                {train, "--max-grad-norm", "-1", "--max-grad-norm must be a finite number >= 0 (the largest gradient norm kept; 0 turns clipping off), got -1.0"},
                {train, "--max-grad-norm", "NaN", "--max-grad-norm must be a finite number >= 0"},
                {train, "--limit", "-1", "--limit must be >= 0"},
                {train, "--workers", "0", "--workers must be in [1, 256]"},
                {train, "--workers", "100000", "--workers must be in [1, 256]"},
                {train, "--test-limit", "-5", "--test-limit must be >= 0 (how many test images to use; 0 is all), got -5"},
                {train, "--per-class", "-1", "--per-class must be >= 0"},
                {train, "--image-size", "0", "--image-size must be in [1, 4096]"},
                {train, "--image-size", "100000", "--image-size must be in [1, 4096]"},
                {finetune, "--head-lr", "0", "--head-lr must be a finite number > 0"},
                {finetune, "--head-lr", "NaN", "--head-lr must be a finite number > 0"},
                {finetune, "--momentum", "2", "--momentum must be in [0, 1)"},
                {eval, "--batch-size", "0", "--batch-size must be >= 1"},
                {eval, "--test-limit", "-5", "--test-limit must be >= 0"},
                {predict, "--top", "-3", "--top must be >= 1 (how many classes to print per image), got -3"},
                {predict, "--top", "0", "--top must be >= 1"},
                {predict, "--input", "3x100000x100000", "input shape must be three integers CxHxW, each in [1, 4096]"},
                {train, "--precision", "fp8", "--precision must be fp32, tf32, bf16 or fp16 (what activations are stored and computed in), got fp8"},
                {eval, "--layout", "chwn", "--layout must be auto, nchw or nhwc (the memory format of the activations), got chwn"},
                {predict, "--fusion", "always", "--fusion must be off, auto or on (cuDNN's fused conv + batch norm + ReLU graphs), got always"}};
        for (Object[] c : cases) {
            String[] args = Stream.concat(Arrays.stream((String[]) c[0]), Stream.of((String) c[1], (String) c[2])).toArray(String[]::new);
            CliRunner r = CliRunner.run(args);
            assertOneLineError(r, 2, (String) c[3]);
        }
    }
}
