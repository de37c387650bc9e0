package dev.jdnn.networks.graph;

import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.networks.graph.nodes.StochasticDepthNode;
import dev.jdnn.networks.graph.run.ExecutionPlan;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.ops.Backend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Auxiliary outputs feed only the training loss; stochastic depth drops whole samples only in training. */
class AuxAndStochasticDepthTest {
    final Backend backend = TestBackends.cpu();

    private static double crossEntropy(float[] logits, int[] labels, int classes) {
        double total = 0;
        for (int n = 0; n < labels.length; n++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < classes; c++) max = Math.max(max, logits[n * classes + c]);
            for (int c = 0; c < classes; c++) sum += Math.exp(logits[n * classes + c] - max);
            total += -(logits[n * classes + labels[n]] - max - Math.log(sum));
        }
        return total / labels.length;
    }

    @Test
    void totalLossIsMainPlusWeightedAuxAndEvalGraphHasNoAuxHead() {
        Shape shape = Shape.of(4, 3, 6, 6);
        try (CompiledModel m = CompiledModel.compile(new TinyNets.WithAuxHead(TinyNets.RELU, 3, 0.3f), shape, backend, 2);
             Tensor labels = GraphFixture.labels(backend, 4, 3)) {
            backend.upload(GraphFixture.input(shape, 5), m.input());
            float total = m.forwardBackward(labels, 0f);
            ExecutionPlan train = m.plan(true);
            float[] main = backend.download(m.output());
            float[] aux = backend.download(train.valueTensor(train.graph().auxOutputs().get(0).logits().id()));
            int[] y = {labels.toIntArray()[0], labels.toIntArray()[1], labels.toIntArray()[2], labels.toIntArray()[3]};
            double expected = crossEntropy(main, y, 3) + 0.3 * crossEntropy(aux, y, 3);
            assertEquals(expected, total, 1e-5 * Math.abs(expected), "main CE + 0.3 * aux CE (float64 reference, from the logits still valid after the step)");
            assertFalse(m.describeGraph(false).contains("@aux"), "the evaluation graph has no aux head:\n" + m.describeGraph(false));
            assertTrue(m.describeGraph(true).contains("@aux"), "the training graph has it");
        }
    }

    /** conv then stochastic depth with p = 0.5 (so the test sees both kept and dropped samples). */
    static final class Dropped extends Layer {
        final Conv2d conv = register("conv", new Conv2d(3, 4, 3, 1, 1, true));

        @Override
        public Value forward(Tracer t, Value x) {
            return t.stochasticDepth(t.call(conv, x), 0.5f);
        }
    }

    /** A residual block whose branch goes through stochastic depth with probability p. */
    static final class ResidualWithDrop extends Layer {
        final Conv2d conv = register("conv", new Conv2d(3, 3, 3, 1, 1, true));
        final float p;

        ResidualWithDrop(float p) {
            this.p = p;
        }

        @Override
        public Value forward(Tracer t, Value x) {
            return t.add(x, t.stochasticDepth(t.call(conv, x), p));
        }
    }

    @Test
    void stochasticDepthThatKeepsEverySampleBackpropagatesExactlyLikeNoStochasticDepth() {
        // p = 1e-9: every sample kept and 1/(1-p) rounds to exactly 1f, so the SD node multiplies by ones
        Shape shape = Shape.of(4, 3, 5, 5);
        try (CompiledModel sd = CompiledModel.compile(new TinyNets.Classifier(new ResidualWithDrop(1e-9f), 3, 3, 0f), shape, backend, 4);
             CompiledModel plain = CompiledModel.compile(new TinyNets.Classifier(new ResidualWithDrop(0f), 3, 3, 0f), shape, backend, 4);
             Tensor labels = GraphFixture.labels(backend, 4, 3)) {
            assertTrue(sd.describeGraph(true).contains("stochasticDepth") && !plain.describeGraph(true).contains("stochasticDepth"));
            float[] x = GraphFixture.input(shape, 7);
            backend.upload(x, sd.input());
            backend.upload(x, plain.input());
            assertEquals(plain.forwardBackward(labels, 0f), sd.forwardBackward(labels, 0f));
            assertArrayEquals(backend.download(plain.flatGradients()), backend.download(sd.flatGradients()));
        }
    }

    @Test
    void stochasticDepthKeepsOrDropsWholeSamplesInTrainingAndIsTheIdentityInEval() {
        Shape shape = Shape.of(16, 3, 4, 4);
        try (CompiledModel m = CompiledModel.compile(new TinyNets.Classifier(new Dropped(), 4, 3, 0f), shape, backend, 3)) {
            backend.upload(GraphFixture.input(shape, 6), m.input());
            assertFalse(m.describeGraph(false).contains("stochasticDepth"), "identity in eval: no node");
            ExecutionPlan plan = m.plan(true);
            Node sd = plan.graph().nodes().stream().filter(n -> n instanceof StochasticDepthNode).findFirst().orElseThrow();
            m.forward();
            float[] x = backend.download(plan.valueTensor(sd.inputs[0])), y = backend.download(plan.valueTensor(sd.output.id()));
            int per = 4 * 16, kept = 0, dropped = 0;
            for (int n = 0; n < 16; n++) {
                boolean zero = true, scaled = true;
                for (int i = n * per; i < (n + 1) * per; i++) {
                    zero &= y[i] == 0f;
                    scaled &= Math.abs(y[i] - 2f * x[i]) <= 1e-6f * Math.abs(x[i]) + 1e-7f;
                }
                assertTrue(zero || scaled, "sample " + n + " is either dropped or kept and scaled by 1/(1-p)");
                if (zero) dropped++;
                else kept++;
            }
            assertTrue(kept > 0 && dropped > 0, "kept " + kept + ", dropped " + dropped + " of 16 with p = 0.5");
            float[] first = y;
            m.forward();
            assertFalse(java.util.Arrays.equals(first, backend.download(plan.valueTensor(sd.output.id()))), "a new draw every step");
            m.setTraining(false);
            float[] evalOut = backend.download(m.forward());
            m.setTraining(false);
            assertArrayEquals(evalOut, backend.download(m.forward()), "eval is deterministic");
        }
    }
}
