package dev.jdnn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Per-command options, torchvision's option names, --device cuda:N, the demo and the whole-training-set default. */
class CommandOptionsTest {
    @TempDir
    Path dir;

    private static final List<String> TRAINING_ONLY = List.of("--epochs", "--lr", "--optimizer", "--augment", "--per-class", "--limit",
            "--resume", "--lr-warmup-epochs", "--output-dir", "--workers");

    @Test
    void eachCommandListsOnlyItsOwnOptions() {
        String train = CliRunner.run("train", "--help").out(), eval = CliRunner.run("eval", "--help").out(),
                predict = CliRunner.run("predict", "--help").out(), finetune = CliRunner.run("finetune", "--help").out();
        for (String option : TRAINING_ONLY) {
            assertTrue(train.contains(option) && finetune.contains(option), option);
            assertFalse(eval.contains(option), "eval --help lists " + option + ":\n" + eval);
            assertFalse(predict.contains(option), "predict --help lists " + option + ":\n" + predict);
        }
        for (String common : List.of("--device", "--data", "--data-dir", "--classes", "--test-limit")) assertTrue(eval.contains(common), common);
        assertTrue(train.contains("-b, --batch-size") && train.contains("-j, --workers") && train.contains("--out, --output-dir"), train);
        assertTrue(train.contains("cuda:N"), train);
        String top = CliRunner.run("--help").out();
        for (String command : List.of("info", "models", "train", "eval", "predict", "finetune", "bench")) assertTrue(top.contains("  " + command), command + " in\n" + top);
        String bench = CliRunner.run("bench", "--help").out();
        assertTrue(bench.contains("--set") && bench.contains("--graphs") && bench.contains("--profile"), bench);
    }

    /** The Done-when case: train --data cifar10 --epochs 1 trains on every image of the five training files. */
    @Test
    void anEpochIsTheWholeTrainingSet() throws Exception {
        Path data = SyntheticCifar10.write(dir.resolve("cifar"), 30, 20);
        Path out = dir.resolve("run");
        CliRunner r = CliRunner.run("train", "--data", "cifar10", "--data-dir", data.toString(), "--epochs", "1", "--device", "cpu", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("model resnet20") && r.out().contains("150 training / 20 test images, batch 128, 1 epochs"), r.out());
        String config = Files.readString(out.resolve("config.json"));
        assertTrue(config.contains("\"train_images\" : 150") && config.contains("\"limit\" : 0"), config);
        assertFalse(r.out().contains("demo run"), r.out());
    }

    @Test
    void onlyABareTrainIsTheDemo() {
        assertTrue(parsedTrain().isDemo(), "'jdnn train' with no option runs the demo");
        assertFalse(parsedTrain("--epochs", "2").isDemo());
        assertFalse(parsedTrain("--limit", "0").isDemo());
        assertFalse(parsedTrain("--device", "cpu").isDemo());
    }

    private static TrainCommand parsedTrain(String... options) {
        var cmd = Main.commandLine();
        String[] args = new String[options.length + 1];
        args[0] = "train";
        System.arraycopy(options, 0, args, 1, options.length);
        var parsed = cmd.parseArgs(args).subcommand();
        return (TrainCommand) parsed.commandSpec().userObject();
    }

    @Test
    void torchvisionNamesAndWarmUpAreAccepted() throws Exception {
        Path data = SyntheticMnist.write(dir.resolve("mnist"), 32, 10);
        Path out = dir.resolve("aliases");
        CliRunner r = CliRunner.run("train", "--model", "lenet5", "--data", "mnist", "--data-dir", data.toString(), "-b", "8", "-j", "1",
                "--epochs", "2", "--lr-warmup-epochs", "0.5", "--device", "cpu", "--output-dir", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        String config = Files.readString(out.resolve("config.json"));
        assertTrue(config.contains("\"batch_size\" : 8") && config.contains("\"lr_warmup_epochs\" : 0.5"), config);
        CliRunner bad = CliRunner.run("train", "--model", "lenet5", "--epochs", "2", "--lr-warmup-epochs", "3");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--lr-warmup-epochs must be between 0 and --epochs (2)"), bad.err());
    }

    @Test
    void cudaWithADeviceNumberIsAcceptedAndSaysWhyItCannotRunHere() throws Exception {
        assumeTrue(dev.jdnn.ops.cuda.CudaBackend.unavailableReason() != null, "CUDA is usable here; the gpu tests open it");
        Path data = SyntheticMnist.write(dir.resolve("mnist"), 20, 10);
        CliRunner r = CliRunner.run("eval", "--weights", Files.writeString(dir.resolve("w.safetensors"), "x").toString(), "--model", "lenet5",
                "--data", "mnist", "--data-dir", data.toString(), "--device", "cuda:1");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--device cuda:1: the CUDA backend cannot run here") && r.err().contains("(use --device cpu)"), r.err());
    }

    @Test
    void theNoArgumentDemoSaysItUsesASubsetFirst() {
        TrainCommand demo = new TrainCommand();
        picocli.CommandLine cmd = new picocli.CommandLine(demo);
        java.io.StringWriter text = new java.io.StringWriter();
        cmd.setOut(new java.io.PrintWriter(text, true));
        cmd.parseArgs();
        demo.applyDemo();
        assertEquals(TrainCommand.DEMO_LIMIT, demo.hyper.limit);
        assertTrue(text.toString().startsWith("demo run: resnet20 on the first 6,000 of Fashion-MNIST's training images, 2 epochs"), text.toString());
        TrainCommand real = new TrainCommand();
        new picocli.CommandLine(real).parseArgs("--epochs", "2");
        real.applyDemo();
        assertEquals(0, real.hyper.limit, "any argument: the whole training set");
    }
}
