package dev.jdnn.training;

import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.CaptureCheckingBackend;
import dev.jdnn.training.data.Augmentations;
import dev.jdnn.training.data.Normalization;
import dev.jdnn.training.data.Transform;
import dev.jdnn.training.optim.Adam;
import dev.jdnn.training.optim.GroupRules;
import dev.jdnn.training.optim.LrSchedule;
import dev.jdnn.training.optim.Optimizer;
import dev.jdnn.training.optim.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The optimizer update recorded inside the training step ({@link Trainer.Builder#recordOptimizerUpdate}), on
 * {@link CaptureCheckingBackend} (records like CUDA graphs and checks every replay against its capture): losses,
 * parameters, BN statistics and optimizer state equal an eager run on the plain CPU backend bit for bit, under
 * schedules whose learning rate changes every step, with SGD (momentum, Nesterov, dampening) and Adam/AdamW (amsgrad);
 * the step is captured once. With gradient clipping the update stays eager.
 */
class RecordedUpdateTest {
    private static final Normalization NORM = new Normalization(new float[]{0.5f}, new float[]{0.25f});
    private static final Transform AUGMENT = Augmentations.padAndRandomCrop(1).andThen(Augmentations.horizontalFlip(0.5)).andThen(Augmentations.normalize(NORM));
    private static final int EPOCHS = 2, STEPS_PER_EPOCH = 7;

    /** Everything a run leaves behind, downloaded. */
    record Outcome(List<Float> losses, Map<String, float[]> state, long optimizerSteps, String updateStatus, String graphStatus) {}

    static Optimizer optimizer(String kind, CompiledModel m) {
        var groups = new GroupRules(kind.startsWith("sgd") ? 0.05 : 0.01, 5e-3).noDecayOnRank1(true).partition(m.trainableParameters());
        return switch (kind) {
            case "sgd-nesterov" -> new Sgd(m.backend(), m.trainableParameters(), m.flatParameters(), m.flatGradients(), groups, 0.9, 0, true);
            case "sgd-dampening" -> new Sgd(m.backend(), m.trainableParameters(), m.flatParameters(), m.flatGradients(), groups, 0.8, 0.1, false);
            case "adam" -> new Adam(m.backend(), m.trainableParameters(), m.flatParameters(), m.flatGradients(), groups, 0.9, 0.999, 1e-8, false, false);
            case "adamw-amsgrad" -> new Adam(m.backend(), m.trainableParameters(), m.flatParameters(), m.flatGradients(), groups, 0.8, 0.99, 1e-8, true, true);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    static Outcome train(Backend backend, Function<Backend, CompiledModel> compile, String optimizer, String schedule, boolean record, double maxGradNorm) {
        List<Float> losses = new ArrayList<>();
        TrainingListener log = new TrainingListener() {
            @Override
            public void onStep(StepMetrics s) {
                losses.add((float) s.loss());
            }
        };
        try (CompiledModel m = compile.apply(backend); Optimizer opt = optimizer(optimizer, m);
             Trainer t = Trainer.builder(m, opt).trainData(TinySetup.data(30, 1), AUGMENT).epochs(EPOCHS)
                     .schedule(LrSchedule.named(schedule, EPOCHS, STEPS_PER_EPOCH)).seed(77).loaderWorkers(2).listener(log)
                     .maxGradNorm(maxGradNorm).recordOptimizerUpdate(record).build()) {
            t.fit();
            Map<String, float[]> state = new LinkedHashMap<>();
            m.stateDict().forEach((k, p) -> state.put(k, backend.download(p.value())));
            for (Map.Entry<String, Tensor> e : opt.state().entrySet()) state.put(e.getKey(), backend.download(e.getValue()));
            return new Outcome(losses, state, opt.stepCount(), t.optimizerUpdateStatus(), m.graphCaptureStatus());
        }
    }

    static void assertSameRun(Outcome eager, Outcome recorded) {
        assertEquals(EPOCHS * STEPS_PER_EPOCH, eager.losses().size());
        assertEquals(eager.losses(), recorded.losses(), "losses per step");
        assertEquals(eager.optimizerSteps(), recorded.optimizerSteps());
        assertEquals(eager.state().keySet(), recorded.state().keySet());
        for (String k : eager.state().keySet()) assertArrayEquals(eager.state().get(k), recorded.state().get(k), k);
    }

    @ParameterizedTest
    @CsvSource({"sgd-nesterov, cosine", "sgd-dampening, step", "adam, onecycle", "adamw-amsgrad, cosine"})
    void theRecordedUpdateEqualsTheEagerOneBitForBit(String optimizer, String schedule) {
        Outcome eager = train(TinySetup.BACKEND, b -> TinySetup.compile(), optimizer, schedule, false, 0);
        assertTrue(eager.updateStatus().contains("Builder.recordOptimizerUpdate is off"), eager.updateStatus());
        CaptureCheckingBackend checking = new CaptureCheckingBackend();
        Outcome recorded = train(checking.backend(), RecordedUpdateTest::compileTiny, optimizer, schedule, true, 0);
        assertSameRun(eager, recorded);
        assertEquals("recorded with the training step", recorded.updateStatus());
        assertTrue(recorded.graphStatus().contains("training step with optimizer update: replaying (1 capture)"), recorded.graphStatus());
        assertTrue(recorded.graphStatus().contains("training step: not run yet"), "the step without the update never ran: " + recorded.graphStatus());
        assertEquals(1, checking.captures(), "captured once (no test data: no evaluation forward)");
        assertEquals(EPOCHS * STEPS_PER_EPOCH - 1, checking.replays(), "the first step warms up, every later one replays");
    }

    @Test
    void dropoutAndStochasticDepthStillReplayBitForBit() {
        Outcome eager = train(TinySetup.BACKEND, b -> TinySetup.compileWithRandomness(), "sgd-nesterov", "onecycle", false, 0);
        CaptureCheckingBackend checking = new CaptureCheckingBackend();
        Outcome recorded = train(checking.backend(), b -> CompiledModel.compile(TinySetup.tinyNetWithRandomness(), dev.jdnn.memory.Shape.of(TinySetup.BATCH, 1, 8, 8), b, 1234),
                "sgd-nesterov", "onecycle", true, 0);
        assertSameRun(eager, recorded);
        assertEquals(1, checking.captures());
    }

    @Test
    void withGradientClippingTheUpdateStaysEager() {
        Outcome eager = train(TinySetup.BACKEND, b -> TinySetup.compile(), "adam", "cosine", false, 0.5);
        CaptureCheckingBackend checking = new CaptureCheckingBackend();
        Outcome clipped = train(checking.backend(), RecordedUpdateTest::compileTiny, "adam", "cosine", true, 0.5);
        assertSameRun(eager, clipped);
        assertTrue(clipped.updateStatus().contains("eager after the training step: gradient clipping is configured"), clipped.updateStatus());
        assertTrue(clipped.graphStatus().contains("training step: replaying (1 capture)"), clipped.graphStatus());
        assertTrue(clipped.graphStatus().contains("training step with optimizer update: not run yet"), clipped.graphStatus());
    }

    @Test
    void aModelThatDoesNotRecordKeepsTheUpdateEager() {
        Outcome plain = train(TinySetup.BACKEND, b -> TinySetup.compile(), "sgd-nesterov", "cosine", true, 0);
        assertTrue(plain.updateStatus().contains("the model does not record training steps") && plain.updateStatus().contains("unsupported"), plain.updateStatus());
    }

    private static CompiledModel compileTiny(Backend backend) {
        return CompiledModel.compile(TinySetup.tinyNet(), dev.jdnn.memory.Shape.of(TinySetup.BATCH, 1, 8, 8), backend, 1234);
    }
}
