package dev.jdnn.networks.graph;

import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.networks.graph.run.ExecutionPlan;
import dev.jdnn.networks.graph.run.NodeProfiler;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Backend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-node profile on the CPU backend: one row per node of the graph the step ran, times that add up to the
 * profiled step, work (multiply-adds, bytes) as the nodes define it, and results bit for bit those of unprofiled steps.
 */
class ModelProfileTest {
    private final Backend backend = TestBackends.cpu();
    private static final Shape LENET = Shape.of(4, 1, 32, 32);

    private static Layer lenet() {
        return Models.create("lenet5", ModelConfig.of(10, 1, 32, 32));
    }

    @Test
    void aRowPerTrainingNodeWithTimesThatAddUpToTheStep() {
        try (CompiledModel model = CompiledModel.compile(lenet(), LENET, backend, 3);
             Tensor labels = GraphFixture.labels(backend, 4, 10)) {
            backend.upload(GraphFixture.input(LENET, 1), model.input());
            ModelProfile p = model.profile(() -> model.forwardBackward(labels, 0f), 1, 2);

            ExecutionPlan plan = model.plan(true);
            List<Node> nodes = plan.graph().nodes();
            assertEquals(nodes.size(), p.rows().size(), "one row per node of the training graph");
            assertEquals("cpu", p.backend());
            assertEquals(LENET, p.input());
            assertTrue(p.stepMillis() > 0 && p.profiledStepMillis() > 0 && p.profiledStepWallMillis() >= p.profiledStepMillis() * 0.999);
            assertTrue(p.graphCapture().contains("unsupported"), p.graphCapture());
            for (int k = 0; k < nodes.size(); k++) {
                Node n = nodes.get(k);
                ModelProfile.Row r = p.rows().get(k);
                assertEquals("training", r.graph());
                assertEquals(k, r.index());
                assertEquals(n.path, r.path());
                assertEquals(n.kind(), r.kind());
                assertEquals(n.inputs.length, r.inputs().size());
                assertEquals(n.macs(), r.forward().macs(), r.path());
                assertTrue(r.forward().millis() >= 0, r.toString());
                assertEquals(r.kind().equals("flatten"), r.forward().bytes() == 0, "only the flatten view moves nothing: " + r);
                if (n.macs() > 0) assertTrue(r.forward().millis() > 0, r.toString());
                assertEquals(plan.runsBackward(n), r.backward() != null, r.path() + ": a backward row exactly where the backward runs");
                // On the CPU an op runs while it is issued: its host time is its device time, up to the marks' own cost.
                assertTrue(r.forward().hostMillis() <= r.forward().millis() + 1e-9, r.toString());
            }
            double overhead = p.overhead().total();
            assertEquals(p.profiledStepMillis(), p.nodeMillis() + overhead, 1e-9 * p.profiledStepMillis(), "nodes + overhead = the step");
            assertTrue(p.overhead().beforeFirstCall() >= 0 && p.overhead().loss() > 0 && p.overhead().afterLastCall() > 0 && p.overhead().betweenCalls() >= 0,
                    p.overhead().toString());
            double shares = p.rows().stream().mapToDouble(r -> p.share(r.millis())).sum() + p.share(overhead);
            assertEquals(1.0, shares, 1e-9, "shares of the nodes and the overhead sum to 100 %");

            List<ModelProfile.Row> convs = p.rows().stream().filter(r -> r.kind().equals("conv2d")).toList();
            assertEquals(2, convs.size(), "LeNet-5 has two convolutions");
            assertEquals(convs.get(0).forward().macs(), convs.get(0).backward().macs(), "the first conv computes only its weight gradient");
            assertEquals(2 * convs.get(1).forward().macs(), convs.get(1).backward().macs(), "the second: data and weight gradients");
            for (ModelProfile.Row c : convs) {
                assertEquals("im2col + GEMM", c.implementation());
                ModelProfile.Timing f = c.forward();
                assertEquals(2.0 * f.macs() / (f.millis() / 1e3), f.flopsPerSecond(), 1e-6 * f.flopsPerSecond());
            }
            ModelProfile.Row first = convs.getFirst();
            assertEquals(List.of("float32[4, 1, 32, 32] NCHW=NHWC"), first.inputs(), "one channel: both formats are the same bytes");
            assertEquals("float32[4, 6, 28, 28] NCHW", first.output());
            // forward bytes: input, weight, bias and output once each
            assertEquals(4L * (4 * 32 * 32 + 6 * 25 + 6 + 4 * 6 * 28 * 28), first.forward().bytes());
            assertTrue(p.rows().stream().anyMatch(r -> r.kind().equals("flatten")), "LeNet-5 flattens its features");
            assertTrue(p.rows().stream().filter(r -> r.kind().equals("linear")).allMatch(r -> r.implementation() != null));
            assertTrue(p.rows().stream().filter(r -> !r.kind().equals("linear") && !r.kind().equals("conv2d")).allMatch(r -> r.implementation() == null));

            List<ModelProfile.KindTotal> kinds = p.byKind();
            assertEquals(nodes.size(), kinds.stream().mapToInt(ModelProfile.KindTotal::nodes).sum());
            assertEquals(p.nodeMillis(), kinds.stream().mapToDouble(ModelProfile.KindTotal::millis).sum(), 1e-9 * p.nodeMillis());
            for (int i = 1; i < kinds.size(); i++) assertTrue(kinds.get(i - 1).millis() >= kinds.get(i).millis(), "slowest kind first");
            List<ModelProfile.Row> top = p.slowest(3);
            assertEquals(3, top.size());
            assertTrue(top.get(0).millis() >= top.get(1).millis() && top.get(1).millis() >= top.get(2).millis());
            assertTrue(p.rows().stream().allMatch(r -> r.millis() <= top.get(2).millis() || top.contains(r)), "no row outside the top 3 is slower than its last");
            assertEquals(nodes.size(), p.slowest(0).size());
        }
    }

    /** Two models from one seed, one profiled: every step's loss and the final parameters, gradients and BN statistics agree bit for bit. */
    @Test
    void profilingChangesNoResult() {
        Shape shape = Shape.of(4, 3, 8, 8);
        int warmup = 2, steps = 2, total = 2 * (warmup + steps); // as normally run (at least 2 warm-ups), then profiled
        try (CompiledModel plain = CompiledModel.compile(TinyNets.residualNet(3, TinyNets.RELU), shape, backend, 7);
             CompiledModel profiled = CompiledModel.compile(TinyNets.residualNet(3, TinyNets.RELU), shape, backend, 7);
             Tensor labels = GraphFixture.labels(backend, 4, 3)) {
            List<Float> plainLosses = new ArrayList<>(), profiledLosses = new ArrayList<>();
            backend.upload(GraphFixture.input(shape, 5), plain.input());
            backend.upload(GraphFixture.input(shape, 5), profiled.input());
            for (int i = 0; i < total; i++) trainingStep(plain, labels, plainLosses);
            ModelProfile p = profiled.profile(() -> trainingStep(profiled, labels, profiledLosses), warmup, steps);
            assertEquals(total, profiledLosses.size());
            assertEquals(plainLosses, profiledLosses, "every step's loss");
            assertNotEquals(plainLosses.getFirst(), plainLosses.getLast(), "the steps trained the model (so the comparison covers changing weights)");
            assertArrayEquals(backend.download(plain.flatParameters()), backend.download(profiled.flatParameters()));
            assertArrayEquals(backend.download(plain.flatGradients()), backend.download(profiled.flatGradients()));
            Map<String, dev.jdnn.networks.Parameter> a = plain.stateDict(), b = profiled.stateDict();
            for (String key : a.keySet()) assertArrayEquals(backend.download(a.get(key).value()), backend.download(b.get(key).value()), key);
            assertEquals(profiled.plan(true).graph().nodes().size(), p.rows().size());
        }
    }

    private void trainingStep(CompiledModel model, Tensor labels, List<Float> losses) {
        losses.add(model.forwardBackward(labels, 0f));
        backend.addScaled(-0.05f, model.flatGradients(), 1f, model.flatParameters()); // plain SGD, so each step differs
    }

    private static void assertNotEquals(float a, float b, String message) {
        assertTrue(Float.compare(a, b) != 0, message + ": " + a);
    }

    @Test
    void anEvaluationForwardProfilesTheEvaluationGraph() {
        try (CompiledModel model = CompiledModel.compile(lenet(), LENET, backend, 3)) {
            backend.upload(GraphFixture.input(LENET, 1), model.input());
            model.setTraining(false);
            ModelProfile p = model.profile(model::forward, 0, 1);
            assertEquals(model.plan(false).graph().nodes().size(), p.rows().size());
            assertTrue(p.rows().stream().allMatch(r -> r.graph().equals("evaluation") && r.backward() == null));
            assertEquals(0, p.overhead().loss(), "no backward, so no loss between forward and backward");
            assertTrue(p.rows().stream().anyMatch(r -> r.kind().startsWith("batchnorm") || r.kind().equals("conv2d")));
        }
    }

    @Test
    void badStepsAreRefusedAndTheModelRunsOnAfterwards() {
        try (CompiledModel model = CompiledModel.compile(lenet(), LENET, backend, 3)) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> model.profile(model::forward, 1, 0)).getMessage().contains("measured steps must be >= 1"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> model.profile(model::forward, -1, 1)).getMessage().contains("warm-up"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> model.profile(() -> {}, 0, 1)).getMessage().contains("ran no node"));
            var twice = assertThrows(IllegalStateException.class, () -> model.profile(() -> { model.forward(); model.forward(); }, 0, 1));
            assertTrue(twice.getMessage().contains("twice in one profiled step"), twice.getMessage());
            // a failed profile closed its session: the model runs, and profiles, again
            model.forward();
            assertEquals(model.plan(true).graph().nodes().size(), model.profile(model::forward, 0, 1).rows().size());
        }
    }

    @Test
    void layoutsSayHowTheElementsLie() {
        Shape s = Shape.of(2, 3, 4, 5);
        try (Tensor t = backend.allocate(s); Tensor pooled = backend.allocate(Shape.of(2, 3, 1, 1)); Tensor flat = backend.allocate(Shape.of(2, 60))) {
            assertEquals("float32[2, 3, 4, 5] NCHW", NodeProfiler.describe(t));
            assertEquals("NHWC", NodeProfiler.layout(MemoryFormat.NHWC.view(t.reshape(Shape.of(2, 4, 5, 3)), s)));
            assertEquals("NCHW=NHWC", NodeProfiler.layout(pooled), "a [N, C, 1, 1] tensor is both");
            assertEquals("", NodeProfiler.layout(flat));
            assertEquals("NCHW order, strides [60, 20, 5, 1]", NodeProfiler.layout(t.narrow(1, 1, 2)), "a channel slice");
        }
    }
}
