package dev.jdnn.cli;

import dev.jdnn.training.listeners.CheckpointWriter;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.TensorData;
import dev.jdnn.training.checkpoint.TrainingCheckpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code --resume} continues the checkpoint's run or refuses: a sound state, the same options and data; --epochs
 * may change only with the constant schedule, and then "1 epoch, then resume with --epochs 2" equals "2 epochs".
 */
class ResumeCliTest {
    @TempDir
    static Path dir;
    static Path data;

    private static final String[] BASE = {"--model", "lenet5", "--data", "mnist", "--batch-size", "16", "--limit", "64", "--test-limit", "20",
            "--lr", "0.05", "--device", "cpu", "--workers", "1"};

    @BeforeAll
    static void data() throws Exception {
        data = SyntheticMnist.write(dir.resolve("mnist"), 64, 20);
    }

    private static CliRunner train(String... more) {
        return CliRunner.run(Stream.concat(Stream.concat(Stream.of("train", "--data-dir", data.toString()), Stream.of(BASE)), Stream.of(more)).toArray(String[]::new));
    }

    private static Path trained(String name, String... options) {
        Path run = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("--out", run.toString()));
        CliRunner r = train(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return run.resolve(CheckpointWriter.LAST_CHECKPOINT);
    }

    @Test
    void oneEpochThenResumingToTwoEqualsTwoEpochsStraightWithTheConstantSchedule() throws Exception {
        Path straight = trained("straight", "--epochs", "2", "--schedule", "constant");
        Path resumed = trained("resumed", "--epochs", "1", "--schedule", "constant");
        CliRunner r = train("--epochs", "2", "--schedule", "constant", "--resume", resumed.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("continuing the run to 2 epochs instead of 1 (constant schedule: the same as a run started with --epochs 2)"), r.out());
        try (SafeTensorsFile a = SafeTensorsFile.open(straight); SafeTensorsFile b = SafeTensorsFile.open(resumed)) {
            assertEquals(a.entries().keySet(), b.entries().keySet());
            for (String k : a.entries().keySet()) assertArrayEquals(a.readFloats(k), b.readFloats(k), k + ": weights and optimizer state bit for bit");
            assertEquals(a.metadata().get(TrainingCheckpoint.STATE_KEY), b.metadata().get(TrainingCheckpoint.STATE_KEY));
        }
        assertEquals(Files.readString(straight.resolveSibling("config.json")), Files.readString(resumed.resolveSibling("config.json")),
                "the resumed run now records the 2-epoch options");
    }

    /**
     * The layout and fp32-for-tf32 only change how the same float32 arithmetic runs: a run may continue in them (on the
     * CPU bit for bit: its NHWC ops equal its NCHW ops). A precision that stores activations otherwise is refused.
     */
    @Test
    void theLayoutMayChangeOnResumeButNotThePrecisionsStorage() throws Exception {
        Path straight = trained("straight-nchw", "--epochs", "2", "--schedule", "constant");
        Path resumed = trained("then-nhwc", "--epochs", "1", "--schedule", "constant");
        byte[] before = Files.readAllBytes(resumed);
        CliRunner bf16 = train("--epochs", "2", "--schedule", "constant", "--precision", "bf16", "--resume", resumed.toString());
        assertEquals(2, bf16.exitCode(), bf16.err());
        assertTrue(bf16.err().contains("--precision bf16 (the checkpoint's run: tf32; a precision that stores activations in another type trains another model"), bf16.err());
        assertArrayEquals(before, Files.readAllBytes(resumed), "a refused resume leaves the checkpoint alone");

        CliRunner r = train("--epochs", "2", "--schedule", "constant", "--layout", "nhwc", "--precision", "fp32", "--resume", resumed.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\nprecision fp32 (float32), layout nhwc\n"), r.out());
        try (SafeTensorsFile a = SafeTensorsFile.open(straight); SafeTensorsFile b = SafeTensorsFile.open(resumed)) {
            for (String k : a.entries().keySet()) assertArrayEquals(a.readFloats(k), b.readFloats(k), k + ": weights and optimizer state bit for bit");
        }
    }

    @Test
    void optionsThatWouldChangeTheRunAreRefusedNamingBothValues() throws Exception {
        Path ckpt = trained("cosine", "--epochs", "1");
        byte[] before = Files.readAllBytes(ckpt);
        CliRunner epochs = train("--epochs", "2", "--resume", ckpt.toString());
        assertEquals(2, epochs.exitCode(), epochs.err());
        assertTrue(epochs.err().contains("--epochs 2 (the checkpoint's run: 1; its cosine schedule spans the whole run"), epochs.err());

        CliRunner lrAndBatch = CliRunner.run("train", "--data-dir", data.toString(), "--model", "lenet5", "--data", "mnist", "--batch-size", "8", "--limit", "64",
                "--test-limit", "20", "--lr", "0.5", "--device", "cpu", "--workers", "1", "--epochs", "1", "--resume", ckpt.toString());
        assertEquals(2, lrAndBatch.exitCode());
        assertTrue(lrAndBatch.err().contains("--batch-size 8 (the checkpoint's run: 16)") && lrAndBatch.err().contains("--lr 0.5 (the checkpoint's run: 0.05)"), lrAndBatch.err());
        assertEquals(2, lrAndBatch.err().lines().count(), "one line: " + lrAndBatch.err());

        CliRunner seed = train("--epochs", "1", "--seed", "5", "--resume", ckpt.toString());
        assertTrue(seed.exitCode() == 2 && seed.err().contains("--seed 5 (the checkpoint's run: 0)"), seed.err());
        CliRunner limit = CliRunner.run("train", "--data-dir", data.toString(), "--model", "lenet5", "--data", "mnist", "--batch-size", "16", "--limit", "48",
                "--test-limit", "20", "--lr", "0.05", "--device", "cpu", "--workers", "1", "--epochs", "1", "--resume", ckpt.toString());
        assertTrue(limit.exitCode() == 2 && limit.err().contains("48 training images (--limit, --classes, --per-class or other data) (the checkpoint's run: 64)"), limit.err());

        Path other = SyntheticMnist.write(dir.resolve("relabelled"), 64, 20);
        byte[] labels = Files.readAllBytes(other.resolve("train-labels-idx1-ubyte"));
        labels[8] = 9; // same size, one label different
        Files.write(other.resolve("train-labels-idx1-ubyte"), labels);
        CliRunner otherData = CliRunner.run(Stream.concat(Stream.of("train", "--data-dir", other.toString(), "--epochs", "1", "--resume", ckpt.toString()),
                Stream.of(BASE)).toArray(String[]::new));
        assertTrue(otherData.exitCode() == 2 && otherData.err().contains("training labels with checksum"), otherData.err());

        CliRunner finished = train("--epochs", "1", "--resume", ckpt.toString());
        assertTrue(finished.exitCode() == 2 && finished.err().contains("the run already finished 1 of --epochs 1; nothing is left to train"), finished.err());
        assertArrayEquals(before, Files.readAllBytes(ckpt), "a refused resume leaves the checkpoint alone");
    }

    /** The trained checkpoint with its training state or config replaced. */
    private static Path withMetadata(Path ckpt, String name, String key, String value) {
        Path out = dir.resolve(name).resolve(CheckpointWriter.LAST_CHECKPOINT);
        try (SafeTensorsFile f = SafeTensorsFile.open(ckpt)) {
            List<TensorData> tensors = new ArrayList<>();
            for (SafeTensorsFile.Entry e : f.entries().values()) tensors.add(TensorData.f32(e.name(), e.shape(), f.readFloats(e.name())));
            Map<String, String> meta = new LinkedHashMap<>(f.metadata());
            if (value == null) meta.remove(key);
            else meta.put(key, value);
            SafeTensorsFile.write(out, tensors, meta);
        }
        return out;
    }

    @Test
    void anImpossibleOrUncheckableCheckpointIsRefused() throws Exception {
        Path ckpt = trained("base", "--epochs", "2", "--schedule", "constant");
        String state;
        try (SafeTensorsFile f = SafeTensorsFile.open(ckpt)) {
            state = f.metadata().get(TrainingCheckpoint.STATE_KEY);
        }
        Path negative = withMetadata(ckpt, "negative", TrainingCheckpoint.STATE_KEY,
                state.replaceFirst("\"epoch\":\\d+", "\"epoch\":-5").replaceFirst("\"globalStep\":\\d+", "\"globalStep\":-1"));
        CliRunner n = train("--epochs", "2", "--schedule", "constant", "--resume", negative.toString());
        assertEquals(1, n.exitCode());
        assertTrue(n.err().contains(negative + ": holds an impossible training state: epoch -5 is negative; globalStep -1 is negative"), n.err());

        Path elsewhere = withMetadata(ckpt, "elsewhere", TrainingCheckpoint.STATE_KEY,
                state.replaceFirst("\"epoch\":\\d+", "\"epoch\":1").replaceFirst("\"globalStep\":\\d+", "\"globalStep\":3"));
        CliRunner p = train("--epochs", "2", "--schedule", "constant", "--resume", elsewhere.toString());
        assertTrue(p.exitCode() == 1 && p.err().contains("stopped at epoch 1, batch 0, step 3, which a run of 4 batches per epoch never reaches"), p.err());

        Path noConfig = withMetadata(ckpt, "noconfig", TrainingCheckpoint.CONFIG_KEY, null);
        CliRunner c = train("--epochs", "2", "--schedule", "constant", "--resume", noConfig.toString());
        assertTrue(c.exitCode() == 1 && c.err().contains("records no run options"), c.err());
    }
}
