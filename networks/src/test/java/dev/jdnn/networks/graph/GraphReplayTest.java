package dev.jdnn.networks.graph;

import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.networks.graph.nodes.NodeContext;
import dev.jdnn.networks.graph.run.GraphRecordings;
import dev.jdnn.networks.graph.nodes.TraceContext;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Flatten;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;
import dev.jdnn.ops.Recording;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.ops.testing.CaptureCheckingBackend;
import dev.jdnn.ops.testing.Updates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Recording and replaying a compiled model's calls (CUDA graphs, here on {@link CaptureCheckingBackend}): replayed
 * training steps and forwards equal eager execution bit for bit (stochastic depth and fused nodes included), each kind is captured
 * exactly once, a new label smoothing re-captures, nodes that cannot be recorded (a test-only one) and failed
 * captures fall back to eager with the reason, and closing the model closes its recordings.
 */
class GraphReplayTest {
    /**
     * The same model (same seed) compiled twice: eagerly on a plain CPU backend, and recording on the checking
     * backend. Every call goes to both with the same data; every result must be equal.
     */
    private static final OptimizerConfig.Sgd SGD = new OptimizerConfig.Sgd(0.9, 0, 1e-4, false);

    private static final class Twins implements AutoCloseable {
        final Backend cpu = new CpuBackend();
        final CaptureCheckingBackend checking = new CaptureCheckingBackend();
        final CompiledModel eager, graphs;
        final Tensor eagerMomentum, graphsMomentum;
        final Shape shape;
        final int classes;

        Twins(Supplier<Layer> model, Shape shape, long seed) {
            this(model, shape, seed, CompileOptions.DEFAULT);
        }

        Twins(Supplier<Layer> model, Shape shape, long seed, CompileOptions options) {
            this.shape = shape;
            eager = CompiledModel.compile(model.get(), shape, cpu, seed, options);
            graphs = CompiledModel.compile(model.get(), shape, checking.backend(), seed, options);
            classes = eager.outputShape().dim(1);
            eagerMomentum = cpu.zeros(eager.flatParameters().shape());
            graphsMomentum = checking.backend().zeros(graphs.flatParameters().shape());
        }

        /** A training step with new inputs and labels (from a fresh tensor), then SGD with a per-step learning rate. */
        float trainStep(int step, float smoothing) {
            return trainStep(step, smoothing, null, null);
        }

        /** The learning rate of step {@code step}: it changes every step, as a schedule's does. */
        static double lr(int step) {
            return 0.05 / (step + 1);
        }

        /**
         * As {@link #trainStep(int, float)}, but where {@code update} is given, the recording model runs it inside the
         * training step, after writing this step's learning rate and first-step flag into {@code scalars} (outside the
         * recording); the eager model runs the same SGD after its step.
         */
        float trainStep(int step, float smoothing, GuardedUpdate update, Tensor scalars) {
            float[] x = GraphFixture.input(shape, 100 + step);
            int[] y = new int[shape.dim(0)];
            for (int i = 0; i < y.length; i++) y[i] = (i * 5 + step * 3 + 1) % classes;
            cpu.upload(x, eager.input());
            checking.backend().upload(x, graphs.input());
            float a, b;
            try (Tensor la = cpu.allocate(Shape.of(y.length), DType.INT32); Tensor lb = checking.backend().allocate(Shape.of(y.length), DType.INT32)) {
                cpu.uploadInts(y, la);
                checking.backend().uploadInts(y, lb);
                a = eager.forwardBackward(la, smoothing);
                if (update == null) {
                    b = graphs.forwardBackward(lb, smoothing);
                } else {
                    checking.backend().upload(OptimizerScalars.of(SGD, lr(step), step + 1), scalars);
                    b = graphs.forwardBackward(lb, smoothing, update);
                }
            }
            assertEquals(a, b, "step " + step + ": loss");
            assertArrayEquals(cpu.download(eager.output()), checking.backend().download(graphs.output()), "step " + step + ": logits");
            assertArrayEquals(cpu.download(eager.flatGradients()), checking.backend().download(graphs.flatGradients()), "step " + step + ": gradients");
            // Without an update inside the step the optimizer runs after it, outside the recording; its learning rate changes every step.
            Updates.sgd(cpu, eager.flatParameters(), eager.flatGradients(), eagerMomentum, SGD, lr(step), step + 1);
            if (update == null) Updates.sgd(checking.backend(), graphs.flatParameters(), graphs.flatGradients(), graphsMomentum, SGD, lr(step), step + 1);
            assertArrayEquals(cpu.download(eager.flatParameters()), checking.backend().download(graphs.flatParameters()), "step " + step + ": parameters after the update");
            assertArrayEquals(cpu.download(eagerMomentum), checking.backend().download(graphsMomentum), "step " + step + ": momentum after the update");
            return a;
        }

        /** A forward in the given mode on new inputs; the mode is restored to training afterwards. */
        void forward(int call, boolean training) {
            float[] x = GraphFixture.input(shape, 500 + call);
            cpu.upload(x, eager.input());
            checking.backend().upload(x, graphs.input());
            eager.setTraining(training);
            graphs.setTraining(training);
            float[] a = cpu.download(eager.forward()), b = checking.backend().download(graphs.forward());
            assertArrayEquals(a, b, (training ? "training" : "evaluation") + " forward " + call + ": logits");
            eager.setTraining(true);
            graphs.setTraining(true);
        }

        /** Every parameter and buffer (BN running statistics included) of the two models. */
        void assertSameState() {
            for (Map.Entry<String, Parameter> e : eager.stateDict().entrySet()) {
                assertArrayEquals(cpu.download(e.getValue().value()), checking.backend().download(graphs.stateDict().get(e.getKey()).value()), e.getKey());
            }
        }

        @Override
        public void close() {
            eagerMomentum.close();
            graphsMomentum.close();
            eager.close();
            graphs.close();
        }
    }

    private static Supplier<Layer> model(String name) {
        return switch (name) {
            // dropout, BN, concat (in place and copied), narrow, channel shuffle, SE gate, option-A shortcut, linear
            case "deepNet" -> () -> TinyNets.deepNet(5, 0.3f);
            case "auxHead" -> () -> new TinyNets.WithAuxHead(TinyNets.RELU, 3, 0.3f);
            case "resnet20", "resnet20 fused" -> () -> Models.create("resnet20", ModelConfig.of(10, 1, 16, 16));
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static Shape shape(String name) {
        return switch (name) {
            case "deepNet" -> Shape.of(4, 3, 8, 8);
            case "auxHead" -> Shape.of(4, 3, 6, 6);
            default -> Shape.of(2, 1, 16, 16);
        };
    }

    /** "resnet20 fused": fusion forced on (both twins), so fused nodes run in the recorded steps and forwards. */
    @ParameterizedTest
    @ValueSource(strings = {"deepNet", "auxHead", "resnet20", "resnet20 fused"})
    void replayedCallsEqualEagerExecutionBitForBit(String name) {
        CompileOptions options = CompileOptions.DEFAULT.withFusion(name.endsWith("fused") ? CompileOptions.FusionMode.ON : CompileOptions.FusionMode.AUTO);
        try (Twins t = new Twins(model(name), shape(name), 7, options)) {
            if (name.endsWith("fused")) assertTrue(t.graphs.describeGraph(true).contains("(fused)") && t.graphs.describeGraph(false).contains("conv-bias-activation"), t.graphs.fusionStatus());
            float previous = Float.NaN;
            int trainingForwards = 0, evalForwards = 0;
            for (int step = 0; step < 8; step++) {
                float loss = t.trainStep(step, 0.1f);
                assertNotEquals(previous, loss, "new inputs and labels each step give a new loss (the replay read them)");
                previous = loss;
                if (step % 2 == 1) t.forward(evalForwards++, false);
                if (step % 3 == 2) t.forward(10 + trainingForwards++, true);
            }
            t.assertSameState();
            // 8 steps, 4 evaluation and 2 training forwards: each kind warms up once, is captured once, then replays.
            assertEquals(3, t.checking.captures(), "one capture per kind");
            assertEquals(3, t.checking.captureAttempts());
            assertEquals(7 + 3 + 1, t.checking.replays(), "replays: 7 training steps, 3 evaluation forwards, 1 training forward");
            String status = t.graphs.graphCaptureStatus();
            for (String kind : new String[]{"evaluation forward", "training forward", "training step"}) {
                assertTrue(status.contains(kind + ": replaying (1 capture)"), status);
            }
        }
    }

    /**
     * Mixed precision records like float32: the whole step with its SGD update — the input cast, the weight copies
     * cast from the master weights before the forward, and in fp16 the loss scaling, the unscaling with its finite
     * check and the scale's update on the device — replays bit for bit what eager execution computes (NHWC, the
     * deep net's every node kind). The fp16 scale starts at 2^10 and doubles every second good step, so the replays
     * must have read and written the scaler's device state.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bf16", "fp16"})
    void mixedPrecisionStepsReplayAsTheyRunEagerly(String precision) {
        CompileOptions options = CompileOptions.DEFAULT.withLayout(CompileOptions.Layout.NHWC).withPrecision(CompileOptions.Precision.parse(precision))
                .withLossScaling(new dev.jdnn.ops.LossScaling(1024f, 2f, 0.5f, 2));
        try (Twins t = new Twins(model("deepNet"), shape("deepNet"), 5, options);
             Tensor scalars = t.checking.backend().zeros(Shape.of(OptimizerScalars.SGD_LENGTH))) {
            GuardedUpdate update = sgdUpdate(t.checking.backend(), t.graphs, t.graphsMomentum, SGD, scalars);
            for (int step = 0; step < 6; step++) {
                t.trainStep(step, 0f, update, scalars);
                assertTrue(t.eager.lastStepFinite() && t.graphs.lastStepFinite(), "step " + step + " is finite");
                if (step % 2 == 1) t.forward(step, false);
            }
            t.assertSameState();
            assertEquals(2, t.checking.captures(), "the step with its update and the evaluation forward, each captured once");
            assertTrue(t.graphs.graphCaptureStatus().contains("training step with optimizer update: replaying (1 capture)"), t.graphs.graphCaptureStatus());
            if (precision.equals("fp16")) {
                assertArrayEquals(t.eager.lossScaleState(), t.graphs.lossScaleState(), "loss scaler state");
                assertArrayEquals(new float[] {1024f * 8, 0f}, t.graphs.lossScaleState(), "6 good steps, growth every 2: 2^10 doubled three times");
            } else {
                assertNull(t.graphs.lossScaleState(), "bf16 needs no loss scaling");
            }
        }
    }

    @Test
    void aNewLabelSmoothingRecapturesTheTrainingStep() {
        try (Twins t = new Twins(model("deepNet"), shape("deepNet"), 3)) {
            float[] smoothing = {0f, 0f, 0f, 0.2f, 0.2f, 0f, 0f};
            int[] capturesAfter = {0, 1, 1, 2, 2, 3, 3};
            for (int step = 0; step < smoothing.length; step++) {
                t.trainStep(step, smoothing[step]);
                assertEquals(capturesAfter[step], t.checking.captures(), "captures after step " + step + " (smoothing " + smoothing[step] + ")");
            }
            assertEquals(1, t.checking.openRecordings(), "the recordings for other smoothing values were closed");
            assertTrue(t.graphs.recordings().replays(GraphRecordings.Kind.TRAINING_STEP, 0f));
            assertEquals(3, t.graphs.recordings().captures(GraphRecordings.Kind.TRAINING_STEP));
            t.assertSameState();
        }
    }

    /**
     * The optimizer update recorded inside the training step: SGD reading its learning rate and first-step flag from
     * a device tensor written before each step equals the same update run eagerly after the step bit for bit, step
     * after step, with one capture per action; another action instance is warmed up again and captured anew.
     */
    @Test
    void anUpdateInsideTheRecordedStepEqualsTheEagerUpdate() {
        try (Twins t = new Twins(model("auxHead"), shape("auxHead"), 9);
             Tensor scalars = t.checking.backend().zeros(Shape.of(OptimizerScalars.SGD_LENGTH))) {
            GuardedUpdate update = sgdUpdate(t.checking.backend(), t.graphs, t.graphsMomentum, SGD, scalars);
            GuardedUpdate another = sgdUpdate(t.checking.backend(), t.graphs, t.graphsMomentum, SGD, scalars);
            int[] capturesAfter = {0, 1, 1, 1, 1, 2, 2};
            float previous = Float.NaN;
            for (int step = 0; step < capturesAfter.length; step++) {
                float loss = t.trainStep(step, 0.1f, step < 4 ? update : another, scalars);
                assertNotEquals(previous, loss);
                previous = loss;
                assertEquals(capturesAfter[step], t.checking.captures(), "captures after step " + step);
            }
            assertEquals(1, t.checking.openRecordings(), "the recording for the first action was closed");
            assertEquals(2, t.graphs.recordings().captures(GraphRecordings.Kind.TRAINING_STEP_WITH_UPDATE));
            assertEquals(0, t.graphs.recordings().captures(GraphRecordings.Kind.TRAINING_STEP), "the step without an update never ran");
            assertTrue(t.graphs.recordsStepsWithUpdate());
            String status = t.graphs.graphCaptureStatus();
            assertTrue(status.contains("training step with optimizer update: replaying (2 captures)"), status);
            assertTrue(status.contains("training step: not run yet"), status);
            t.assertSameState();
        }
    }

    /** SGD over the model's flat parameters reading {@code scalars}, guarded by their apply slot. */
    private static GuardedUpdate sgdUpdate(Backend backend, CompiledModel m, Tensor momentum, OptimizerConfig.Sgd fixed, Tensor scalars) {
        List<Tensor> flags = List.of(scalars.narrow(0, OptimizerScalars.SGD_APPLY, 1));
        return new GuardedUpdate() {
            @Override
            public List<Tensor> applyFlags() {
                return flags;
            }

            @Override
            public void enqueue() {
                backend.sgdStep(m.flatParameters(), m.flatGradients(), momentum, fixed, scalars);
            }
        };
    }

    /**
     * The guard: a step whose loss is NaN (a poisoned input, at the warm-up and at a replay) leaves parameters and
     * momentum bit for bit as they were, though its update is inside the recorded step; finite steps before and after
     * update as usual. Recorded (checking backend) and eager (plain CPU: guard and update run after the backward).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aNonFiniteLossSkipsTheUpdateInsideTheStep(boolean recording) {
        CaptureCheckingBackend checking = new CaptureCheckingBackend();
        Backend backend = recording ? checking.backend() : new CpuBackend();
        Shape shape = shape("auxHead");
        try (CompiledModel m = CompiledModel.compile(model("auxHead").get(), shape, backend, 9);
             Tensor momentum = backend.zeros(m.flatParameters().shape());
             Tensor scalars = backend.zeros(Shape.of(OptimizerScalars.SGD_LENGTH));
             Tensor labels = backend.allocate(Shape.of(shape.dim(0)), DType.INT32)) {
            GuardedUpdate update = sgdUpdate(backend, m, momentum, SGD, scalars);
            int applied = 0;
            for (int step = 0; step < 6; step++) {
                boolean poisoned = step == 0 || step == 4;
                float[] x = GraphFixture.input(shape, 300 + step);
                if (poisoned) x[7] = Float.NaN;
                backend.upload(x, m.input());
                int[] y = new int[shape.dim(0)];
                for (int i = 0; i < y.length; i++) y[i] = (i + step) % m.outputShape().dim(1);
                backend.uploadInts(y, labels);
                backend.upload(OptimizerScalars.of(SGD, 0.05, applied + 1), scalars);
                float[] p0 = backend.download(m.flatParameters()), b0 = backend.download(momentum);
                float loss = m.forwardBackward(labels, 0.1f, update);
                float apply = backend.download(scalars)[OptimizerScalars.SGD_APPLY];
                if (poisoned) {
                    assertTrue(Float.isNaN(loss), "step " + step + ": a NaN input gives a NaN loss, got " + loss);
                    assertEquals(0f, apply, "step " + step + ": the guard cleared the apply flag");
                    assertArrayEquals(p0, backend.download(m.flatParameters()), "step " + step + ": the skipped step changed the parameters");
                    assertArrayEquals(b0, backend.download(momentum), "step " + step + ": the skipped step changed the momentum");
                } else {
                    assertTrue(Float.isFinite(loss), "step " + step + ": " + loss);
                    assertEquals(1f, apply, "step " + step);
                    assertFalse(java.util.Arrays.equals(p0, backend.download(m.flatParameters())), "step " + step + ": a finite step updates");
                    applied++;
                }
            }
            assertEquals(4, applied);
            if (recording) {
                assertEquals(1, checking.captures(), m.graphCaptureStatus());
                assertEquals(5, checking.replays(), "steps 1 to 5 replay (step 1 captures, then replays): " + m.graphCaptureStatus());
            } else {
                assertFalse(m.recordsStepsWithUpdate(), m.graphCaptureStatus());
            }
        }
    }

    /** conv, stochastic depth, then a classifier head: the training graph draws a per-sample mask every step. */
    static final class WithStochasticDepth extends Layer {
        final Conv2d conv = register("conv", new Conv2d(3, 4, 3, 1, 1, true));
        final Layer pool = register("pool", Pool2d.adaptiveAvg(1, 1));
        final Layer flatten = register("flatten", new Flatten());
        final Linear fc = register("fc", new Linear(4, 3));

        @Override
        public Value forward(Tracer t, Value x) {
            return t.call(fc, t.call(flatten, t.call(pool, t.stochasticDepth(t.call(conv, x), 0.5f))));
        }
    }

    /**
     * Stochastic depth draws on the device, so the training step records; every replayed step equals the eager step
     * (which draws a new mask each step, see AuxAndStochasticDepthTest) in loss, logits and gradients.
     */
    @Test
    void stochasticDepthRecordsAndReplaysBitForBit() {
        try (Twins t = new Twins(WithStochasticDepth::new, Shape.of(8, 3, 5, 5), 11)) {
            for (int step = 0; step < 6; step++) {
                t.trainStep(step, 0f);
                t.forward(step, false);
            }
            String status = t.graphs.graphCaptureStatus();
            assertTrue(status.contains("training step: replaying (1 capture)") && status.contains("evaluation forward: replaying (1 capture)"), status);
            assertEquals(1, t.graphs.recordings().captures(GraphRecordings.Kind.TRAINING_STEP));
            assertEquals(5 + 5, t.checking.replays(), "replays: 5 training steps, 5 evaluation forwards");
            assertArrayEquals(new long[]{6}, t.eager.randomPositions(), "one draw per step");
            assertArrayEquals(t.eager.randomPositions(), t.graphs.randomPositions(), "the replays advanced the stream like eager steps");
            t.assertSameState();
        }
    }

    /** A test-only node whose forward scales by a host scalar that changes every call: a replay would freeze it. */
    private static final class HostScaleNode extends Node {
        private int calls;
        private float factor;

        HostScaleNode(String path, Value output, int input) {
            super(path, output, input);
        }

        @Override public String kind() { return "hostScale"; }
        @Override public String notCapturable() { return "scales by a host scalar that changes every call"; }
        @Override public boolean accumulatesInputGrad(int i) { return false; }
        @Override public boolean canWriteStridedOutput() { return false; }

        @Override
        public void forward(NodeContext c) {
            factor = 1 + calls++ % 3;
            c.backend.copy(c.in[0], c.out);
            c.backend.scale(c.out, factor);
        }

        @Override
        public void backward(NodeContext c) {
            if (!c.wantsGrad(0)) return;
            Tensor g = c.gradTarget(0);
            c.backend.copy(c.dOut, g);
            c.backend.scale(g, factor);
            c.finishGrad(0);
        }
    }

    /** conv, the host-scale node (training graph only), then a classifier head. */
    static final class WithHostScale extends Layer {
        final Conv2d conv = register("conv", new Conv2d(3, 4, 3, 1, 1, true));
        final Layer pool = register("pool", Pool2d.adaptiveAvg(1, 1));
        final Layer flatten = register("flatten", new Flatten());
        final Linear fc = register("fc", new Linear(4, 3));

        @Override
        public Value forward(Tracer t, Value x) {
            Value y = t.call(conv, x);
            TraceContext g = (TraceContext) t; // the graph layer's tracer is also where nodes record themselves
            if (t.training()) y = g.add(new HostScaleNode(g.path(), g.newValue(y.shape()), y.id())).output;
            return t.call(fc, t.call(flatten, t.call(pool, y)));
        }
    }

    @Test
    void aNodeThatCannotBeRecordedKeepsItsKindEagerAndSaysWhy() {
        try (Twins t = new Twins(WithHostScale::new, Shape.of(4, 3, 5, 5), 11)) {
            for (int step = 0; step < 5; step++) {
                t.trainStep(step, 0f);
                t.forward(step, false);
            }
            String status = t.graphs.graphCaptureStatus();
            assertTrue(status.contains("training step: eager: hostScale@") && status.contains("scales by a host scalar"), status);
            assertTrue(status.contains("evaluation forward: replaying"), "the evaluation graph has no such node: " + status);
            assertEquals(0, t.graphs.recordings().captures(GraphRecordings.Kind.TRAINING_STEP));
            assertEquals(1, t.checking.captures(), "only the evaluation forward was captured");
            t.assertSameState();
        }
    }

    @Test
    void aFailedCaptureFallsBackToEagerForGoodWithTheReason() {
        try (Twins t = new Twins(model("deepNet"), shape("deepNet"), 5)) {
            t.checking.failCaptures("simulated capture failure");
            for (int step = 0; step < 5; step++) t.trainStep(step, 0f);
            assertEquals(1, t.checking.captureAttempts(), "a failed capture is not retried");
            assertEquals(0, t.checking.captures());
            String status = t.graphs.graphCaptureStatus();
            assertTrue(status.contains("training step: eager: capture failed") && status.contains("simulated capture failure"), status);
            assertEquals("simulated capture failure", t.graphs.recordings().captureFailure().getMessage());
            t.assertSameState();
        }
    }

    @Test
    void backendsThatCannotRecordAndTheOptionOffRecordNothing() {
        Shape shape = shape("deepNet");
        try (CompiledModel plain = CompiledModel.compile(TinyNets.deepNet(5, 0f), shape, new CpuBackend(), 1)) {
            assertTrue(plain.graphCaptureStatus().contains("unsupported: the cpu backend"), plain.graphCaptureStatus());
            assertFalse(plain.recordsStepsWithUpdate());
        }
        CaptureCheckingBackend checking = new CaptureCheckingBackend();
        try (CompiledModel off = CompiledModel.compile(TinyNets.deepNet(5, 0f), shape, checking.backend(), 1, CompileOptions.DEFAULT.withCudaGraphs(false));
             Tensor labels = GraphFixture.labels(checking.backend(), 4, 5)) {
            for (int i = 0; i < 3; i++) {
                off.forwardBackward(labels, 0f);
                off.forward();
            }
            assertEquals(0, checking.captureAttempts());
            assertTrue(off.graphCaptureStatus().contains("off (CompileOptions.cudaGraphs is false)"), off.graphCaptureStatus());
            assertFalse(off.recordsStepsWithUpdate());
        }
    }

    @Test
    void beforeAnyCallTheStatusSaysWhatWillHappen() {
        CaptureCheckingBackend checking = new CaptureCheckingBackend();
        try (CompiledModel m = CompiledModel.compile(TinyNets.deepNet(5, 0f), shape("deepNet"), checking.backend(), 1);
             Tensor labels = GraphFixture.labels(checking.backend(), 4, 5)) {
            assertTrue(m.graphCaptureStatus().contains("training step: not run yet (first call warms up, second captures)"), m.graphCaptureStatus());
            m.forwardBackward(labels, 0f);
            assertTrue(m.graphCaptureStatus().contains("training step: warmed up, captured on the next call"), m.graphCaptureStatus());
            assertEquals(0, checking.captureAttempts(), "the first call runs eagerly");
        }
    }

    @Test
    void labelsPassedAsTheModelsOwnTensorAreNotCopied() {
        CaptureCheckingBackend checking = new CaptureCheckingBackend();
        try (CompiledModel m = CompiledModel.compile(TinyNets.deepNet(5, 0f), shape("deepNet"), checking.backend(), 1);
             Tensor other = GraphFixture.labels(checking.backend(), 4, 5)) {
            checking.backend().upload(GraphFixture.input(m.inputShape(), 1), m.input());
            checking.backend().uploadInts(new int[]{4, 3, 2, 1}, m.labels());
            float own = m.forwardBackward(m.labels(), 0f);
            assertArrayEquals(new int[]{4, 3, 2, 1}, m.labels().toIntArray());
            m.forwardBackward(other, 0f);
            assertArrayEquals(other.toIntArray(), m.labels().toIntArray(), "other labels are copied into the model's");
            checking.backend().uploadInts(new int[]{4, 3, 2, 1}, m.labels());
            assertEquals(own, m.forwardBackward(m.labels(), 0f), "the replay (third call) reads the model's labels");
        }
    }

    @Test
    void closingTheModelClosesItsRecordings() {
        try (Twins t = new Twins(model("deepNet"), shape("deepNet"), 9)) {
            for (int step = 0; step < 3; step++) {
                t.trainStep(step, 0f);
                t.forward(step, false);
            }
            assertEquals(2, t.checking.openRecordings());
            t.graphs.close();
            assertEquals(0, t.checking.openRecordings(), "close releases every recording");
            assertThrows(IllegalStateException.class, t.graphs::forward);
        }
    }

    /** The test double itself: host work inside a capture, and a replay that would differ from its capture, fail. */
    @Test
    void theCheckingBackendRejectsHostWorkAndDivergentReplays() {
        CaptureCheckingBackend checking = new CaptureCheckingBackend();
        Backend b = checking.backend();
        try (Tensor t = b.zeros(Shape.of(4))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.capture(() -> b.upload(new float[4], t)));
            assertTrue(e.getMessage().contains("upload called while capturing"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> b.capture(() -> b.allocate(Shape.of(1)).close()));
            assertThrows(IllegalStateException.class, () -> b.capture(() -> b.crossEntropy(4, 3, 0f)));
            assertThrows(IllegalStateException.class, () -> b.capture(b::synchronize));

            float[] factor = {2f};
            b.fill(t, 1f);
            try (Recording r = b.capture(() -> b.scale(t, factor[0]))) {
                assertArrayEquals(new float[]{1, 1, 1, 1}, b.download(t), "nothing runs during a capture");
                r.replay();
                r.replay();
                assertArrayEquals(new float[]{4, 4, 4, 4}, b.download(t));
                factor[0] = 3f; // a host scalar that changed: a CUDA graph would still scale by 2
                e = assertThrows(IllegalStateException.class, r::replay);
                assertTrue(e.getMessage().contains("replay diverged from its capture"), e.getMessage());
            }
        }
    }
}
