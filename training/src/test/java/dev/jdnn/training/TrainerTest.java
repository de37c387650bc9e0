package dev.jdnn.training;

import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.training.checkpoint.CheckpointMismatchException;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.TrainingCheckpoint;
import dev.jdnn.training.checkpoint.TrainingState;
import dev.jdnn.training.data.Augmentations;
import dev.jdnn.networks.models.Normalization;
import dev.jdnn.training.data.Transform;
import dev.jdnn.training.optim.LrSchedule;
import dev.jdnn.training.optim.Optimizer;
import dev.jdnn.training.listeners.CheckpointWriter;
import dev.jdnn.training.listeners.StopOnDivergence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {
    @TempDir
    Path dir;

    private static final Normalization NORM = new Normalization(new float[]{0.5f}, new float[]{0.25f});
    private static final Transform AUGMENT = Augmentations.padAndRandomCrop(1).andThen(Augmentations.horizontalFlip(0.5)).andThen(Augmentations.normalize(NORM));

    /** Records every step's loss. */
    private static final class LossLog implements TrainingListener {
        final List<Float> losses = new ArrayList<>();

        @Override
        public void onStep(StepMetrics s) {
            losses.add((float) s.loss());
        }
    }

    private Trainer trainer(CompiledModel m, Optimizer opt, int epochs, Path ckptDir, TrainingListener l) {
        Trainer.Builder b = Trainer.builder(m, opt).trainData(TinySetup.data(30, 1), AUGMENT).testData(TinySetup.data(10, 2), Augmentations.normalize(NORM))
                .epochs(epochs).schedule(LrSchedule.named("cosine", epochs, 7)).seed(77).loaderWorkers(2).listener(l);
        if (ckptDir != null) b.listener(new CheckpointWriter(ckptDir, null, Map.of()));
        return b.build();
    }

    @Test
    void resumedRunContinuesBitForBit() throws Exception {
        LossLog full = new LossLog();
        try (CompiledModel m = TinySetup.compile(); Optimizer opt = TinySetup.sgd(m, 0.05); Trainer t = trainer(m, opt, 3, null, full)) {
            assertEquals(7, t.batchesPerEpoch()); // 30 images, batch 4, last partial batch dropped
            List<EpochMetrics> history = t.fit();
            assertEquals(3, history.size());
            assertTrue(history.get(2).trainLoss() < history.get(0).trainLoss(), "the tiny task must be learnable: " + full.losses);
            assertTrue(history.get(2).trainAccuracy() > 0.5, "3 classes, train accuracy " + history.get(2).trainAccuracy());
        }
        Path run = dir.resolve("run");
        LossLog first = new LossLog();
        try (CompiledModel m = TinySetup.compile(); Optimizer opt = TinySetup.sgd(m, 0.05); Trainer t = trainer(m, opt, 3, run, first)) {
            t.fit(1); // interrupted after the first of three epochs
        }
        assertEquals(full.losses.subList(0, 7), first.losses);
        try (SafeTensorsFile f = SafeTensorsFile.open(run.resolve(CheckpointWriter.LAST_CHECKPOINT))) {
            assertTrue(f.entries().containsKey("optim.0.weight.momentum_buffer"), f.entries().keySet().toString());
            assertTrue(f.entries().containsKey("1.running_mean"));
            assertEquals(1, TrainingCheckpoint.readState(f).epoch());
            assertEquals(7, TrainingCheckpoint.readState(f).globalStep());
        }
        assertTrue(Files.exists(run.resolve(CheckpointWriter.BEST_WEIGHTS)));

        LossLog resumed = new LossLog();
        // compiled with other initial weights: everything must come from the checkpoint
        try (CompiledModel m = TinySetup.compile(999); Optimizer opt = TinySetup.sgd(m, 0.05); Trainer t = trainer(m, opt, 3, dir.resolve("run2"), resumed)) {
            t.resume(run.resolve(CheckpointWriter.LAST_CHECKPOINT));
            assertEquals(1, t.epoch());
            t.fit();
        }
        assertEquals(14, resumed.losses.size());
        for (int i = 0; i < 14; i++) {
            assertEquals(Float.floatToRawIntBits(full.losses.get(7 + i)), Float.floatToRawIntBits(resumed.losses.get(i)),
                    "step " + (7 + i) + ": " + full.losses.get(7 + i) + " vs resumed " + resumed.losses.get(i));
        }
    }

    /** Every state-dict entry (weights and BN running statistics), downloaded. */
    private static Map<String, float[]> weights(CompiledModel m) {
        Map<String, float[]> w = new LinkedHashMap<>();
        m.stateDict().forEach((k, p) -> w.put(k, m.backend().download(p.value())));
        return w;
    }

    @Test
    void resumedRunWithDropoutAndStochasticDepthContinuesBitForBit() throws Exception {
        LossLog full = new LossLog();
        Map<String, float[]> fullWeights;
        try (CompiledModel m = TinySetup.compileWithRandomness(); Optimizer opt = TinySetup.sgd(m, 0.05); Trainer t = trainer(m, opt, 2, null, full)) {
            t.fit();
            assertArrayEquals(new long[]{14, 14}, m.randomPositions(), "stochastic depth, then dropout: one draw per step each");
            fullWeights = weights(m);
        }
        Path run = dir.resolve("random");
        try (CompiledModel m = TinySetup.compileWithRandomness(); Optimizer opt = TinySetup.sgd(m, 0.05); Trainer t = trainer(m, opt, 2, run, new LossLog())) {
            t.fit(1);
        }
        Path ckpt = run.resolve(CheckpointWriter.LAST_CHECKPOINT);
        try (SafeTensorsFile f = SafeTensorsFile.open(ckpt)) {
            assertArrayEquals(new long[]{7, 7}, TrainingCheckpoint.readState(f).randomPositions());
        }

        LossLog resumed = new LossLog();
        try (CompiledModel m = TinySetup.compileWithRandomness(); Optimizer opt = TinySetup.sgd(m, 0.05);
             Trainer t = trainer(m, opt, 2, dir.resolve("random2"), resumed)) {
            t.resume(ckpt);
            assertArrayEquals(new long[]{7, 7}, m.randomPositions());
            t.fit();
            assertEquals(7, resumed.losses.size());
            for (int i = 0; i < 7; i++) {
                assertEquals(Float.floatToRawIntBits(full.losses.get(7 + i)), Float.floatToRawIntBits(resumed.losses.get(i)),
                        "step " + (7 + i) + ": " + full.losses.get(7 + i) + " vs resumed " + resumed.losses.get(i));
            }
            Map<String, float[]> w = weights(m);
            assertEquals(fullWeights.keySet(), w.keySet());
            fullWeights.forEach((k, v) -> assertArrayEquals(v, w.get(k), k + " after 14 steps, resumed at 7"));
        }

        // Control: the same resume with the streams restarted (as before positions were saved) is not exact.
        LossLog restarted = new LossLog();
        try (CompiledModel m = TinySetup.compileWithRandomness(); Optimizer opt = TinySetup.sgd(m, 0.05);
             Trainer t = trainer(m, opt, 2, dir.resolve("random3"), restarted)) {
            t.resume(ckpt);
            m.seekRandom(new long[]{0, 0});
            t.fit();
        }
        assertNotEquals(full.losses.subList(7, 14), restarted.losses, "restarted streams draw other masks");
    }

    @Test
    void aCheckpointForAnotherNumberOfRandomStreamsIsRefused() {
        try (CompiledModel m = TinySetup.compileWithRandomness(); Optimizer opt = TinySetup.sgd(m, 0.05); Trainer t = trainer(m, opt, 1, null, new LossLog())) {
            // The model's own checkpoint, but recording one stream position where the model has two.
            Path own = dir.resolve("own.ckpt");
            TrainingState s = t.state();
            TrainingCheckpoint.save(own, m.stateDict(), opt, m.backend(), new TrainingState(s.epoch(), s.batchInEpoch(), s.globalStep(),
                    s.optimizerSteps(), s.seed(), s.dropoutSeed(), s.optimizer(), s.bestTop1(), new long[]{3}), null);
            var e = assertThrows(CheckpointMismatchException.class, () -> t.resume(own));
            assertTrue(e.getMessage().contains("records 1 random stream positions, this model has 2"), e.getMessage());
        }
    }

    @Test
    void aCheckpointWithoutStreamPositionsLeavesTheStreamsWhereTheyAre() throws Exception {
        try (CompiledModel m = TinySetup.compileWithRandomness(); Optimizer opt = TinySetup.sgd(m, 0.05); Trainer t = trainer(m, opt, 1, null, new LossLog())) {
            // As written before positions were recorded: no randomPositions key in the state JSON at all.
            Path old = dir.resolve("old.ckpt");
            TrainingState s = t.state();
            TrainingCheckpoint.save(old, m.stateDict(), opt, m.backend(), new TrainingState(s.epoch(), s.batchInEpoch(), s.globalStep(),
                    s.optimizerSteps(), s.seed(), s.dropoutSeed(), s.optimizer(), s.bestTop1(), null), null);
            String json;
            try (SafeTensorsFile f = SafeTensorsFile.open(old)) {
                json = f.metadata().get(TrainingCheckpoint.STATE_KEY).replace(",\"randomPositions\":null", "");
            }
            assertFalse(json.contains("randomPositions"), json);
            TrainingState parsed = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, TrainingState.class);
            assertNull(parsed.randomPositions());
            m.seekRandom(new long[]{5, 9});
            t.resume(old);
            assertArrayEquals(new long[]{5, 9}, m.randomPositions());
        }
    }

    @Test
    void nanLossStopsAtItsStepAndKeepsTheLastCheckpoint() throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        // Poisons image 5 (its marker pixel is 5/255) once armed: its batch's loss becomes NaN.
        Transform poison = (img, rng) -> {
            if (armed.get() && Math.abs(img.data()[0] - 5 / 255f) < 1e-7) java.util.Arrays.fill(img.data(), Float.NaN);
        };
        TrainingListener arm = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics e) {
                armed.set(true);
            }
        };
        Path run = dir.resolve("nan");
        try (CompiledModel m = TinySetup.compile(); Optimizer opt = TinySetup.sgd(m, 0.05);
             Trainer t = Trainer.builder(m, opt).trainData(TinySetup.data(30, 1), poison).epochs(3).seed(3)
                     .listener(new StopOnDivergence()).listener(new CheckpointWriter(run, null, Map.of())).listener(arm).build()) {
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::fit);
            Path ckpt = run.resolve(CheckpointWriter.LAST_CHECKPOINT);
            byte[] before = Files.readAllBytes(ckpt);
            assertTrue(e.globalStep() >= 7 && e.globalStep() < 14, "diverged in epoch 2, at step " + e.globalStep());
            assertTrue(e.getMessage().contains("at step " + e.globalStep()), e.getMessage());
            try (SafeTensorsFile f = SafeTensorsFile.open(ckpt)) {
                assertEquals(1, TrainingCheckpoint.readState(f).epoch(), "the checkpoint is the one from the end of epoch 1");
            }
            assertArrayEquals(before, Files.readAllBytes(ckpt));
            try (var s = Files.list(run)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
            }
        }
    }

    /**
     * Without {@link StopOnDivergence} a NaN step is skipped and training goes on: the listeners see its loss, the
     * optimizer's step count leaves it out while the run's position (batches, schedule) moves on — so a checkpoint's
     * position stays one a run of this many batches reaches — and the parameters stay finite.
     */
    @Test
    void withoutStopOnDivergenceANanStepIsSkippedAndTrainingGoesOn() {
        Transform poison = (img, rng) -> {
            if (Math.abs(img.data()[0] - 5 / 255f) < 1e-7) java.util.Arrays.fill(img.data(), Float.NaN);
        };
        LossLog log = new LossLog();
        try (CompiledModel m = TinySetup.compile(); Optimizer opt = TinySetup.sgd(m, 0.05);
             Trainer t = Trainer.builder(m, opt).trainData(TinySetup.data(30, 1), poison).epochs(2).seed(3).listener(log).build()) {
            List<EpochMetrics> history = t.fit();
            long skipped = log.losses.stream().filter(l -> !Float.isFinite(l)).count();
            assertTrue(skipped >= 1, "image 5's batch (unless it fell in the dropped partial batch): " + log.losses);
            assertEquals(14, log.losses.size());
            assertEquals(14, t.globalStep(), "every batch is a step of the run");
            t.state().checkPosition(Path.of("last.ckpt"), 7);
            assertEquals(14 - skipped, opt.stepCount(), "skipped steps are not the optimizer's");
            assertTrue(Double.isFinite(history.get(1).trainLoss()), "the epoch's mean leaves the skipped step out");
            m.trainableParameters().values().forEach(p -> {
                for (float v : m.backend().download(p.value())) assertTrue(Float.isFinite(v), "finite parameters");
            });
        }
    }

    @Test
    void evaluationCountsEverySampleOnceDespitePadding() {
        var test = TinySetup.data(10, 2);
        try (CompiledModel m = TinySetup.compile(); Optimizer opt = TinySetup.sgd(m, 0.05);
             Trainer t = Trainer.builder(m, opt).trainData(TinySetup.data(8, 1), null).testData(test, null).build()) {
            EvalResult r = t.evaluate();
            // The reference: the same forward on hand-made batches (the last one zero-padded), scored in float64 by a
            // sort-based rank that is written independently of Ranking (ties placed against the label).
            int top1 = 0, top5 = 0;
            double loss = 0;
            long[][] confusion = new long[3][3];
            m.setTraining(false);
            for (int start = 0; start < 10; start += 4) {
                float[] batch = new float[4 * 64];
                for (int i = start; i < Math.min(10, start + 4); i++) System.arraycopy(test.sample(i).chw(), 0, batch, (i - start) * 64, 64);
                m.backend().upload(batch, m.input());
                float[] z = m.backend().download(m.forward());
                for (int i = start; i < Math.min(10, start + 4); i++) {
                    float[] row = java.util.Arrays.copyOfRange(z, (i - start) * 3, (i - start) * 3 + 3);
                    int label = test.label(i);
                    List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
                    order.sort((a, b) -> row[a] != row[b] ? Float.compare(row[b], row[a]) : Boolean.compare(a == label, b == label));
                    int rank = order.indexOf(label) + 1;
                    if (rank == 1) top1++;
                    if (rank <= 5) top5++;
                    confusion[label][order.get(0)]++;
                    double max = Math.max(row[0], Math.max(row[1], row[2]));
                    loss += Math.log(Math.exp(row[0] - max) + Math.exp(row[1] - max) + Math.exp(row[2] - max)) + max - row[label];
                }
            }
            assertEquals(10, r.samples());
            assertEquals(0, r.nonFinite());
            assertEquals(top1 / 10.0, r.top1(), "top-1 of the untrained model, counted exactly");
            assertEquals(top5 / 10.0, r.top5(), "3 classes: every label is in the top 5");
            assertEquals(1.0, r.top5());
            assertEquals(loss / 10, r.loss(), 1e-9);
            for (int i = 0; i < 3; i++) assertArrayEquals(confusion[i], r.confusion()[i], "confusion row " + i);
            assertArrayEquals(new long[]{4, 3, 3}, java.util.Arrays.stream(r.confusion()).mapToLong(row -> java.util.Arrays.stream(row).sum()).toArray(),
                    "labels i mod 3 over 10 images, each counted once");
        }
    }

    @Test
    void mismatchedDataIsRefusedClearly() {
        try (CompiledModel m = TinySetup.compile(); Optimizer opt = TinySetup.sgd(m, 0.05)) {
            var small = TinySetup.data(3, 1);
            var e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder(m, opt).trainData(small, null).build());
            assertTrue(e.getMessage().contains("fewer than one batch of 4"), e.getMessage());
        }
    }
}
