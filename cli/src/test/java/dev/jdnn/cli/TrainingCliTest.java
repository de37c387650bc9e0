package dev.jdnn.cli;

import dev.jdnn.training.listeners.CheckpointWriter;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The training CLI end to end on a tiny synthetic MNIST-format set (lenet5, CPU), and its error paths. */
class TrainingCliTest {
    @TempDir
    Path dir;

    private static final String[] SMALL = {"--batch-size", "16", "--limit", "64", "--test-limit", "30", "--device", "cpu", "--workers", "1"};

    /** The sub-command, the small-run options, then the rest. */
    private static String[] small(String command, String... more) {
        return Stream.concat(Stream.concat(Stream.of(command), Stream.of(SMALL)), Stream.of(more)).toArray(String[]::new);
    }

    private static void assertNoTempFiles(Path d) throws Exception {
        if (!Files.isDirectory(d)) return;
        try (Stream<Path> s = Files.list(d)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList());
        }
    }

    @Test
    void trainEvalPredictFinetuneAndResume() throws Exception {
        Path data = SyntheticMnist.write(dir.resolve("mnist"), 64, 30);
        Path run = dir.resolve("run");
        CliRunner train = CliRunner.run(small("train", "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(),
                "--epochs", "2", "--lr", "0.05", "--schedule", "constant", "--out", run.toString()));
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("epoch 2/2: train loss"), train.out());
        assertTrue(train.out().contains("\nfusion off (the default until cuDNN's fused engines are verified"), "the run header says whether ops are fused: " + train.out());
        assertTrue(train.out().contains("\nprecision fp32 (float32), layout nchw\n"), "and what the model computes in (tf32 and auto on the CPU): " + train.out());
        String config = Files.readString(run.resolve("config.json"));
        for (String recorded : List.of("\"precision\" : \"tf32\"", "\"layout\" : \"auto\"", "\"fusion\" : \"off\"", "\"compute\" : \"precision fp32 (float32), layout nchw\"")) {
            assertTrue(config.contains(recorded), "config.json records " + recorded + ": " + config);
        }
        assertTrue(train.out().contains("\ndeterministic: on (the CPU backend always is)\n"), "the run header says the mode: " + train.out());
        assertTrue(Files.readString(run.resolve("config.json")).contains("\"deterministic\" : true"), "and config.json records it");
        for (String f : List.of("config.json", "metrics.csv", "curves.png", "last.ckpt", "best.safetensors")) assertTrue(Files.isRegularFile(run.resolve(f)), f);
        assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size(), "header + 2 epochs");
        assertNoTempFiles(run);

        CliRunner eval = CliRunner.run("eval", "--weights", run.resolve("best.safetensors").toString(), "--model", "lenet5", "--data", "mnist",
                "--data-dir", data.toString(), "--batch-size", "8", "--device", "cpu", "--deterministic");
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("(30 images)") && eval.out().contains("top-5") && eval.out().contains("confusion matrix"), eval.out());
        CliRunner evalCkpt = CliRunner.run("eval", "--weights", run.resolve("last.ckpt").toString(), "--model", "lenet5", "--data", "mnist",
                "--data-dir", data.toString(), "--batch-size", "8", "--device", "cpu");
        assertEquals(0, evalCkpt.exitCode(), evalCkpt.err());

        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        Path png = dir.resolve("digit.png");
        ImageIO.write(img, "png", png.toFile());
        CliRunner predict = CliRunner.run("predict", "--weights", run.resolve("best.safetensors").toString(), "--model", "lenet5", "--top", "3", "--device", "cpu", png.toString());
        assertEquals(0, predict.exitCode(), predict.err());
        assertEquals(4, predict.out().strip().lines().count(), predict.out()); // file name + 3 classes
        CliRunner fromMetadata = CliRunner.run("predict", "--weights", run.resolve("best.safetensors").toString(), "--top", "3", "--device", "cpu", png.toString(), png.toString());
        assertEquals(0, fromMetadata.exitCode(), fromMetadata.err());
        assertEquals(predict.out().strip(), fromMetadata.out().strip().lines().limit(4).collect(java.util.stream.Collectors.joining("\n")),
                "the model and classes come from the file's metadata");

        Path ft = dir.resolve("ft");
        CliRunner finetune = CliRunner.run(small("finetune", "--weights", run.resolve("best.safetensors").toString(), "--model", "lenet5",
                "--mode", "head", "--head-lr", "0.05", "--strict", "--data", "mnist", "--data-dir", data.toString(), "--epochs", "1", "--out", ft.toString()));
        assertEquals(0, finetune.exitCode(), finetune.err());
        try (SafeTensorsFile before = SafeTensorsFile.open(run.resolve("best.safetensors")); SafeTensorsFile after = SafeTensorsFile.open(ft.resolve("last.ckpt"))) {
            assertArrayEquals(before.readFloats("features.0.weight"), after.readFloats("features.0.weight"), "frozen backbone unchanged");
            assertFalse(java.util.Arrays.equals(before.readFloats("classifier.4.weight"), after.readFloats("classifier.4.weight")), "head trained");
            assertFalse(after.entries().containsKey("optim.features.0.weight.momentum_buffer"), "no optimizer state for frozen parameters");
        }

        CliRunner resume = CliRunner.run(small("train", "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(),
                "--epochs", "3", "--lr", "0.05", "--schedule", "constant", "--resume", run.resolve(CheckpointWriter.LAST_CHECKPOINT).toString()));
        assertEquals(0, resume.exitCode(), resume.err());
        assertTrue(resume.out().contains("resumed from") && resume.out().contains("epoch 3/3") && !resume.out().contains("epoch 1/3"), resume.out());
        assertEquals(4, Files.readAllLines(run.resolve("metrics.csv")).size(), "earlier rows kept, epoch 3 added");
    }

    @Test
    void unknownModelOptimizerAndOptionListTheValidOnes() {
        CliRunner r = CliRunner.run("train", "--model", "resnet9000");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown model 'resnet9000'") && r.err().contains("resnet20") && !r.err().contains("\tat "), r.err());

        CliRunner o = CliRunner.run("train", "--optimizer", "lion");
        assertEquals(2, o.exitCode());
        assertTrue(o.err().contains("unknown optimizer 'lion'; valid: [sgd, adam, adamw]"), o.err());

        CliRunner d = CliRunner.run("train", "--data", "imagenet22k");
        assertEquals(2, d.exitCode());
        assertTrue(d.err().contains("fashion-mnist") && d.err().contains("cifar100"), d.err());

        CliRunner bogus = CliRunner.run("train", "--bogus");
        assertEquals(2, bogus.exitCode());
        assertTrue(bogus.err().contains("Unknown option: '--bogus'"), bogus.err());
    }

    @Test
    void missingDataSetSaysWhereItLooked() {
        Path nowhere = dir.resolve("no-such-dir");
        CliRunner r = CliRunner.run("train", "--data-dir", nowhere.toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains(nowhere.toAbsolutePath().toString()) && r.err().contains("apt-get install dataset-fashion-mnist"), r.err());
        assertTrue(r.err().lines().count() <= 2, r.err());
        assertFalse(Files.exists(dir.resolve("o")));
        CliRunner verbose = CliRunner.run("train", "--data-dir", nowhere.toString(), "--verbose");
        assertTrue(verbose.err().contains("\tat "), "stack trace with --verbose");
    }

    @Test
    void everyModelCommandRejectsAnUnknownDeviceBeforeReadingData() {
        Path missing = dir.resolve("no-such-data");
        for (String[] args : List.of(
                new String[]{"train", "--data-dir", missing.toString()},
                new String[]{"finetune", "--weights", "w.safetensors", "--model", "lenet5", "--data-dir", missing.toString()},
                new String[]{"eval", "--weights", "w.safetensors", "--model", "lenet5", "--data-dir", missing.toString()},
                new String[]{"predict", "--weights", "w.safetensors", "--model", "lenet5", "x.png"})) {
            String[] withDevice = Stream.concat(Stream.of(args), Stream.of("--device", "tpu")).toArray(String[]::new);
            CliRunner r = CliRunner.run(withDevice);
            assertEquals(2, r.exitCode(), args[0] + ": " + r.err());
            assertTrue(r.err().contains("unknown device 'tpu'; valid: auto, cpu, cuda, cuda:N"), args[0] + ": " + r.err());
        }
    }

    @Test
    void cudaDeviceWithoutABackendSaysWhy() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.jdnn.ops.cuda.CudaBackend.unavailableReason() != null, "a usable CUDA backend is present");
        Path data = SyntheticMnist.write(dir.resolve("mnist"), 20, 20);
        Path out = dir.resolve("cuda-run");
        CliRunner r = CliRunner.run("train", "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "--batch-size", "4",
                "--device", "cuda", "--out", out.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--device cuda: the CUDA backend cannot run here") && r.err().contains("--device cpu"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void trainsOnAnImageFolder() throws Exception {
        Path root = dir.resolve("folder");
        for (String cls : List.of("cats", "dogs")) {
            Files.createDirectories(root.resolve(cls));
            for (int i = 0; i < 6; i++) {
                BufferedImage im = new BufferedImage(20 + i, 18, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < im.getHeight(); y++) for (int x = 0; x < im.getWidth(); x++) im.setRGB(x, y, cls.equals("cats") ? 0xC08040 : 0x2050E0);
                ImageIO.write(im, "png", root.resolve(cls).resolve(i + ".png").toFile());
            }
        }
        Path out = dir.resolve("folder-run");
        CliRunner r = CliRunner.run("train", "--model", "lenet5", "--data", "folder", "--data-dir", root.toString(), "--image-size", "16",
                "--batch-size", "4", "--epochs", "1", "--limit", "0", "--device", "cpu", "--workers", "1", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("12 training / 12 test images"), r.out());
        try (SafeTensorsFile f = SafeTensorsFile.open(out.resolve("best.safetensors"))) {
            assertEquals("3x16x16", f.metadata().get("jdnn.input"));
            assertEquals("[\"cats\",\"dogs\"]", f.metadata().get("jdnn.classes"));
        }
    }

    @Test
    void weightsWithAnotherClassCountAreRefusedByEval() throws Exception {
        Path data = SyntheticMnist.write(dir.resolve("mnist"), 20, 20);
        Path w = dir.resolve("five.safetensors");
        SafeTensorsFile.write(w, List.of(TensorData.f32("classifier.4.weight", new long[]{5, 84}, new float[5 * 84])), Map.of());
        CliRunner r = CliRunner.run("eval", "--weights", w.toString(), "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "--device", "cpu");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("5-class head") && r.err().contains("10 classes") && r.err().contains("finetune"), r.err());

        Path garbage = Files.writeString(dir.resolve("garbage.safetensors"), "not a safetensors file at all");
        CliRunner g = CliRunner.run("eval", "--weights", garbage.toString(), "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "--device", "cpu");
        assertEquals(1, g.exitCode());
        assertTrue(g.err().contains("garbage.safetensors") && g.err().contains("not a valid safetensors file"), g.err());

        CliRunner missing = CliRunner.run("eval", "--weights", dir.resolve("nope.safetensors").toString(), "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("weights file not found"), missing.err());
    }

    @Test
    void finetuneRefusesMisShapedBackboneWithStrictAndLeavesNoFiles() throws Exception {
        Path data = SyntheticMnist.write(dir.resolve("mnist"), 20, 20);
        Path w = dir.resolve("wrong.safetensors");
        SafeTensorsFile.write(w, List.of(TensorData.f32("features.0.weight", new long[]{6, 3, 5, 5}, new float[450])), Map.of());
        Path out = dir.resolve("ft");
        CliRunner r = CliRunner.run(small("finetune", "--weights", w.toString(), "--model", "lenet5", "--strict", "--data", "mnist",
                "--data-dir", data.toString(), "--out", out.toString()));
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("features.0.weight (file [6, 3, 5, 5], model [6, 1, 5, 5])"), r.err());
        assertTrue(r.err().contains("missing keys"), r.err());
        assertFalse(Files.exists(out), "a failed start creates no run directory");
    }

    @Test
    void classesAndPerClassSelectRelabelAndAreRecorded() throws Exception {
        Path data = SyntheticMnist.write(dir.resolve("mnist"), 64, 30); // labels i % 10
        Path out = dir.resolve("subset");
        CliRunner r = CliRunner.run("train", "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "--classes", "5-9",
                "--per-class", "4", "--limit", "0", "--batch-size", "8", "--epochs", "1", "--device", "cpu", "--workers", "1", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("20 training / 15 test images"), r.out()); // 5 classes x 4; all 3 test images of each of 5 classes
        try (SafeTensorsFile f = SafeTensorsFile.open(out.resolve("best.safetensors"))) {
            assertArrayEquals(new long[]{5, 84}, f.entries().get("classifier.4.weight").shape());
            assertEquals("[\"5\",\"6\",\"7\",\"8\",\"9\"]", f.metadata().get("jdnn.classes"));
        }
        String config = Files.readString(out.resolve("config.json"));
        assertTrue(config.contains("\"classes\" : \"5-9\"") && config.contains("\"per_class\" : 4") && config.contains("\"augment\" : \"none\""), config);

        CliRunner eval = CliRunner.run("eval", "--weights", out.resolve("best.safetensors").toString(), "--model", "lenet5", "--data", "mnist",
                "--data-dir", data.toString(), "--classes", "5-9", "--device", "cpu");
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("(15 images)"), eval.out());

        CliRunner bad = CliRunner.run("train", "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "--classes", "8-12", "--device", "cpu");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("class 10 is outside [0, 10)"), bad.err());
        CliRunner badAug = CliRunner.run("train", "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "--augment", "heavy",
                "--device", "cpu", "--out", dir.resolve("never").toString());
        assertEquals(2, badAug.exitCode());
        assertTrue(badAug.err().contains("unknown --augment 'heavy'; valid: [standard, none]"), badAug.err());
    }
}
