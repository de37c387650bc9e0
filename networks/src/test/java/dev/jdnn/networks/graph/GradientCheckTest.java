package dev.jdnn.networks.graph;

import dev.jdnn.networks.graph.nodes.AddNode;
import dev.jdnn.networks.graph.nodes.Graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.ops.Backend;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * End-to-end gradient checks in training mode (BN with batch statistics): the parameter gradients forwardBackward
 * writes are compared with central finite differences of the loss it returns, for a sample of elements of every
 * parameter tensor. The nets use SiLU instead of ReLU (smooth, so central differences converge; same graph code
 * path) — see {@link TinyNets}. The graph computes in float32, so the differences use h = 1e-2 and each element must agree
 * within 2e-2 relative to max(|analytic|, |numeric|) plus 1e-4 absolute; in addition the sampled gradients as a
 * vector must agree within 1e-2 relative (norm of the difference over norm of the analytic vector).
 * Input gradients are not exposed by the API (the input never requires a gradient); the first layer's weight
 * gradients cover the whole backward chain instead.
 */
class GradientCheckTest {
    static final int N = 4, CLASSES = 3;
    static final double H = 1e-2, REL = 2e-2, ABS = 1e-4, NORM_REL = 1e-2;

    @Test
    void residualBlocksWithIdentityAndProjectionShortcuts() {
        check(TinyNets.residualNet(CLASSES, TinyNets.SMOOTH), Shape.of(N, 3, 6, 6));
        // the check above covers the pass-through gradient of the residual branch: make sure it is in use
        try (CompiledModel m = CompiledModel.compile(TinyNets.residualNet(CLASSES, TinyNets.SMOOTH), Shape.of(N, 3, 6, 6), TestBackends.cpu(), 7)) {
            Graph g = m.plan(true).graph();
            long passThrough = g.nodes().stream().filter(n -> n instanceof AddNode)
                    .filter(n -> g.gradientAliasOf(n.inputs[0]) != null).count();
            assertTrue(passThrough == 2, "both blocks' residual branches take the sum's gradient without a copy");
        }
    }

    @Test
    void inceptionBlockWithThreeConcatenatedBranches() {
        check(TinyNets.inceptionNet(CLASSES, TinyNets.SMOOTH), Shape.of(N, 3, 5, 5));
    }

    @Test
    void channelSplitShuffleSqueezeExcitationAndPaddedShortcut() {
        check(TinyNets.mixedNet(CLASSES, TinyNets.SMOOTH), Shape.of(N, 3, 6, 6));
    }

    @Test
    void sharedModuleAccumulatesItsParameterGradient() {
        check(new TinyNets.Classifier(new TinyNets.SharedConv(TinyNets.SMOOTH), 3, CLASSES, 0f), Shape.of(N, 3, 5, 5));
    }

    @Test
    void auxiliaryHeadLossIsAddedWithItsWeight() {
        check(new TinyNets.WithAuxHead(TinyNets.SMOOTH, CLASSES, 0.3f), Shape.of(N, 3, 6, 6));
    }

    @Test
    void frozenBatchNormBackpropagatesThroughItsFixedAffineMap() {
        var body = new dev.jdnn.networks.layers.Sequential(new dev.jdnn.networks.layers.Conv2d(3, 4, 3, 1, 1, false),
                new dev.jdnn.networks.layers.BatchNorm2d(4), TinyNets.SMOOTH.get());
        body.module("1").freeze();
        check(new TinyNets.Classifier(body, 4, CLASSES, 0f), Shape.of(N, 3, 5, 5), m -> {
            // make the frozen statistics non-trivial, so the map is not the identity
            m.backend().upload(new float[]{0.1f, -0.2f, 0.3f, 0f}, m.stateDict().get("body.1.running_mean").value());
            m.backend().upload(new float[]{0.5f, 2f, 1.5f, 0.8f}, m.stateDict().get("body.1.running_var").value());
            m.backend().upload(new float[]{1.2f, 0.7f, -0.9f, 1.1f}, m.stateDict().get("body.1.weight").value());
        });
    }

    static float loss(CompiledModel m, Tensor labels) {
        return m.forwardBackward(labels, 0f);
    }

    static void check(Layer net, Shape inputShape) {
        check(net, inputShape, m -> {});
    }

    static void check(Layer net, Shape inputShape, java.util.function.Consumer<CompiledModel> setUp) {
        Backend backend = TestBackends.cpu();
        try (CompiledModel m = CompiledModel.compile(net, inputShape, backend, 7);
             Tensor labels = backend.allocate(Shape.of(N), dev.jdnn.memory.DType.INT32)) {
            setUp.accept(m);
            SplittableRandom r = new SplittableRandom(11);
            float[] x = new float[Math.toIntExact(inputShape.numel())];
            for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
            backend.upload(x, m.input());
            int[] y = new int[N];
            for (int i = 0; i < N; i++) y[i] = i % CLASSES;
            backend.uploadInts(y, labels);

            loss(m, labels);
            float[] analyticAll = backend.download(m.flatGradients());
            double diff2 = 0, ref2 = 0;
            int checked = 0;
            StringBuilder failures = new StringBuilder();
            for (Map.Entry<String, Parameter> e : m.trainableParameters().entrySet()) {
                Parameter p = e.getValue();
                Tensor v = p.value();
                long base = v.offset() - m.flatParameters().offset();
                int samples = (int) Math.min(p.numel(), 6);
                for (int s = 0; s < samples; s++) {
                    int i = samples == p.numel() ? s : r.nextInt(Math.toIntExact(p.numel()));
                    Tensor flat = v.reshape(Shape.of(Math.toIntExact(p.numel())));
                    float orig = flat.getFloat(i);
                    flat.setFloat((float) (orig + H), i);
                    double up = loss(m, labels);
                    flat.setFloat((float) (orig - H), i);
                    double down = loss(m, labels);
                    flat.setFloat(orig, i);
                    double numeric = (up - down) / (2 * H);
                    double analytic = analyticAll[Math.toIntExact(base + i)];
                    diff2 += (numeric - analytic) * (numeric - analytic);
                    ref2 += analytic * analytic;
                    checked++;
                    if (Math.abs(numeric - analytic) > REL * Math.max(Math.abs(numeric), Math.abs(analytic)) + ABS) {
                        failures.append("%s[%d]: analytic %.6g, numeric %.6g%n".formatted(e.getKey(), i, analytic, numeric));
                    }
                }
            }
            if (!failures.isEmpty()) fail("gradient mismatches:\n" + failures);
            double normRel = Math.sqrt(diff2 / ref2);
            assertTrue(normRel < NORM_REL, "relative error of the sampled gradient vector " + normRel + " over " + checked + " elements");
            assertTrue(ref2 > 0, "gradients are all zero");
        }
    }
}
