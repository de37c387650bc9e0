package dev.jdnn.training;

import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.training.checkpoint.TrainingState;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.CaptureCheckingBackend;
import dev.jdnn.training.data.Augmentations;
import dev.jdnn.networks.models.Normalization;
import dev.jdnn.training.data.Transform;
import dev.jdnn.training.optim.GroupRules;
import dev.jdnn.training.optim.LrSchedule;
import dev.jdnn.training.optim.Optimizer;
import dev.jdnn.training.optim.Optimizers;
import dev.jdnn.training.listeners.StopOnDivergence;
import dev.jdnn.ops.OptimizerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The optimizer update recorded inside the training step, on {@link CaptureCheckingBackend} (records like CUDA graphs
 * and checks every replay against its capture): losses, parameters, BN statistics and optimizer state equal the same
 * run unrecorded on the plain CPU backend bit for bit, under schedules whose learning rate changes every step, with
 * SGD (momentum, Nesterov, dampening) and Adam/AdamW (amsgrad), with and without gradient clipping; the step is
 * captured once. A divergent step stops training ({@link StopOnDivergence}) with the model, optimizer state and step
 * count exactly as before it, recorded or not.
 */
class RecordedUpdateTest {
    private static final Normalization NORM = new Normalization(new float[]{0.5f}, new float[]{0.25f});
    private static final Transform AUGMENT = Augmentations.padAndRandomCrop(1).andThen(Augmentations.horizontalFlip(0.5)).andThen(Augmentations.normalize(NORM));
    private static final int EPOCHS = 2, STEPS_PER_EPOCH = 7;

    /** Everything a run leaves behind, downloaded. */
    record Outcome(List<Float> losses, Map<String, float[]> state, long optimizerSteps, String updateStatus, String graphStatus) {}

    static Optimizer optimizer(String kind, CompiledModel m) {
        var groups = new GroupRules(kind.startsWith("sgd") ? 0.05 : 0.01, 5e-3).noDecayOnRank1(true).partition(m.trainableParameters());
        OptimizerConfig rule = switch (kind) {
            case "sgd-nesterov" -> new OptimizerConfig.Sgd(0.9, 0, 0, true);
            case "sgd-dampening" -> new OptimizerConfig.Sgd(0.8, 0.1, 0, false);
            case "adam" -> OptimizerConfig.Adam.adam(0);
            case "adamw-amsgrad" -> new OptimizerConfig.Adam(0.8, 0.99, 1e-8, 0, true, true);
            default -> throw new IllegalArgumentException(kind);
        };
        return Optimizers.create(m, groups, rule);
    }

    static Outcome train(Backend backend, Function<Backend, CompiledModel> compile, String optimizer, String schedule, double maxGradNorm) {
        List<Float> losses = new ArrayList<>();
        TrainingListener log = new TrainingListener() {
            @Override
            public void onStep(StepMetrics s) {
                losses.add((float) s.loss());
            }
        };
        try (CompiledModel m = compile.apply(backend); Optimizer opt = optimizer(optimizer, m);
             Trainer t = builder(m, opt, schedule).listener(log).maxGradNorm(maxGradNorm).build()) {
            t.fit();
            return new Outcome(losses, state(m, opt), opt.stepCount(), t.optimizerUpdateStatus(), m.graphCaptureStatus());
        }
    }

    private static Trainer.Builder builder(CompiledModel m, Optimizer opt, String schedule) {
        return Trainer.builder(m, opt).trainData(TinySetup.data(30, 1), AUGMENT).epochs(EPOCHS)
                .schedule(LrSchedule.named(schedule, EPOCHS, STEPS_PER_EPOCH)).seed(77).loaderWorkers(2);
    }

    /** Every value of the model's state dict (BN statistics included) and of the optimizer's state, downloaded. */
    static Map<String, float[]> state(CompiledModel m, Optimizer opt) {
        Map<String, float[]> state = new LinkedHashMap<>();
        m.stateDict().forEach((k, p) -> state.put(k, m.backend().download(p.value())));
        for (Map.Entry<String, Tensor> e : opt.state().entrySet()) state.put(e.getKey(), m.backend().download(e.getValue()));
        return state;
    }

    /** The trainable parameters and the optimizer state only: what an update writes. */
    static Map<String, float[]> updated(CompiledModel m, Optimizer opt) {
        Map<String, float[]> state = new LinkedHashMap<>();
        m.trainableParameters().forEach((k, p) -> state.put(k, m.backend().download(p.value())));
        for (Map.Entry<String, Tensor> e : opt.state().entrySet()) state.put(e.getKey(), m.backend().download(e.getValue()));
        return state;
    }

    static void assertSameState(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String k : expected.keySet()) assertArrayEquals(expected.get(k), actual.get(k), what + ": " + k);
    }

    static void assertSameRun(Outcome eager, Outcome recorded) {
        assertEquals(EPOCHS * STEPS_PER_EPOCH, eager.losses().size());
        assertEquals(eager.losses(), recorded.losses(), "losses per step");
        assertEquals(eager.optimizerSteps(), recorded.optimizerSteps());
        assertSameState(eager.state(), recorded.state(), "state");
    }

    @ParameterizedTest
    @CsvSource({"sgd-nesterov, cosine, 0", "sgd-dampening, step, 0", "adam, onecycle, 0", "adamw-amsgrad, cosine, 0", "adam, cosine, 0.5", "sgd-nesterov, step, 0.2"})
    void theRecordedUpdateEqualsTheEagerOneBitForBit(String optimizer, String schedule, double maxGradNorm) {
        Outcome eager = train(TinySetup.BACKEND, b -> TinySetup.compile(), optimizer, schedule, maxGradNorm);
        assertTrue(eager.updateStatus().contains("the model does not record training steps") && eager.updateStatus().contains("unsupported"), eager.updateStatus());
        CaptureCheckingBackend checking = new CaptureCheckingBackend();
        Outcome recorded = train(checking.backend(), RecordedUpdateTest::compileTiny, optimizer, schedule, maxGradNorm);
        assertSameRun(eager, recorded);
        assertEquals("recorded with the training step", recorded.updateStatus());
        assertTrue(recorded.graphStatus().contains("training step with optimizer update: replaying (1 capture)"), recorded.graphStatus());
        assertTrue(recorded.graphStatus().contains("training step: not run yet"), "the step without the update never ran: " + recorded.graphStatus());
        assertEquals(1, checking.captures(), "captured once (no test data: no evaluation forward)");
        assertEquals(EPOCHS * STEPS_PER_EPOCH - 1, checking.replays(), "the first step warms up, every later one replays");
    }

    /** Clipping changes the run: the clipped one differs from the unclipped one (so the test above compares something). */
    @Test
    void clippingTakesEffect() {
        Outcome plain = train(TinySetup.BACKEND, b -> TinySetup.compile(), "adam", "cosine", 0);
        Outcome clipped = train(TinySetup.BACKEND, b -> TinySetup.compile(), "adam", "cosine", 0.05);
        assertEquals(plain.losses().getFirst(), clipped.losses().getFirst(), "the first loss comes before any update");
        assertNotEquals(plain.losses().getLast(), clipped.losses().getLast());
    }

    @Test
    void dropoutAndStochasticDepthStillReplayBitForBit() {
        Outcome eager = train(TinySetup.BACKEND, b -> TinySetup.compileWithRandomness(), "sgd-nesterov", "onecycle", 0);
        CaptureCheckingBackend checking = new CaptureCheckingBackend();
        Outcome recorded = train(checking.backend(), b -> CompiledModel.compile(TinySetup.tinyNetWithRandomness(), dev.jdnn.memory.Shape.of(TinySetup.BATCH, 1, 8, 8), b, 1234),
                "sgd-nesterov", "onecycle", 0);
        assertSameRun(eager, recorded);
        assertEquals(1, checking.captures());
    }

    /** What a diverged run leaves: the exception, the state (all and updated), the count, and the state before that step. */
    record Diverged(TrainingDivergedException error, Map<String, float[]> state, Map<String, float[]> updated, long optimizerSteps,
                    TrainingState position, Map<String, float[]> updatedBeforeThatStep, String updateStatus) {}

    /**
     * Trains until a NaN input makes a loss NaN: with {@code firstStep}, every image is poisoned from the start (the
     * very first step diverges: the warm-up, SGD's buffer initialisation); else image 5 once epoch 1 ended (its batch
     * in epoch 2 diverges, a replayed step). Transforms of an epoch run after the previous epoch ended, so which step
     * diverges is deterministic.
     */
    static Diverged diverge(Backend backend, Function<Backend, CompiledModel> compile, String optimizer, boolean firstStep) {
        AtomicBoolean armed = new AtomicBoolean(firstStep);
        Transform poison = (img, rng) -> {
            if (armed.get() && (firstStep || Math.abs(img.data()[0] - 5 / 255f) < 1e-7)) java.util.Arrays.fill(img.data(), Float.NaN);
        };
        try (CompiledModel m = compile.apply(backend); Optimizer opt = optimizer(optimizer, m)) {
            List<Map<String, float[]>> snapshots = new ArrayList<>(List.of(updated(m, opt))); // after each good step
            TrainingListener watch = new TrainingListener() {
                @Override
                public void onStep(StepMetrics s) {
                    snapshots.add(updated(m, opt));
                }

                @Override
                public void onEpochEnd(EpochMetrics e) {
                    armed.set(true);
                }
            };
            try (Trainer t = Trainer.builder(m, opt).trainData(TinySetup.data(30, 1), poison).epochs(EPOCHS)
                    .schedule(LrSchedule.named("cosine", EPOCHS, STEPS_PER_EPOCH)).seed(77).loaderWorkers(2)
                    .listener(new StopOnDivergence()).listener(watch).build()) {
                TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::fit);
                return new Diverged(e, state(m, opt), updated(m, opt), opt.stepCount(), t.state(), snapshots.getLast(), t.optimizerUpdateStatus());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"sgd-nesterov, true", "sgd-nesterov, false", "adamw-amsgrad, true", "adam, false"})
    void aDivergentRecordedStepLeavesModelAndOptimizerAsBeforeIt(String optimizer, boolean firstStep) {
        CaptureCheckingBackend checking = new CaptureCheckingBackend();
        Diverged recorded = diverge(checking.backend(), RecordedUpdateTest::compileTiny, optimizer, firstStep);
        assertEquals("recorded with the training step", recorded.updateStatus());
        Diverged eager = diverge(TinySetup.BACKEND, b -> TinySetup.compile(), optimizer, firstStep);
        assertTrue(eager.updateStatus().contains("the model does not record training steps"), eager.updateStatus());

        long step = recorded.error().globalStep();
        if (firstStep) assertEquals(0, step, "every image is poisoned: the first step diverges");
        else assertTrue(step >= STEPS_PER_EPOCH && step < 2 * STEPS_PER_EPOCH, "diverged in epoch 2, at step " + step);
        assertEquals(firstStep ? 0 : 1, checking.captures(), firstStep ? "diverged at the warm-up" : "captured at step 1");
        assertEquals(step, checking.replays(), "steps 1 to " + step + " replayed, the divergent one included");
        assertEquals(step, recorded.optimizerSteps(), "the skipped step is not counted");
        assertEquals(step, recorded.position().optimizerSteps(), "nor in the state a checkpoint would record");
        assertSameState(recorded.updatedBeforeThatStep(), recorded.updated(), "parameters and optimizer state after the divergent step");

        assertEquals(eager.error().globalStep(), step);
        assertEquals(eager.error().getMessage(), recorded.error().getMessage());
        assertEquals(eager.optimizerSteps(), recorded.optimizerSteps());
        TrainingState e = eager.position(), r = recorded.position();
        assertEquals(List.of(e.epoch(), e.batchInEpoch(), e.globalStep(), e.optimizerSteps()), List.of(r.epoch(), r.batchInEpoch(), r.globalStep(), r.optimizerSteps()));
        assertArrayEquals(e.randomPositions(), r.randomPositions());
        assertSameState(eager.state(), recorded.state(), "the eager path's state (BN statistics included)");
    }

    private static CompiledModel compileTiny(Backend backend) {
        return CompiledModel.compile(TinySetup.tinyNet(), dev.jdnn.memory.Shape.of(TinySetup.BATCH, 1, 8, 8), backend, 1234);
    }
}
