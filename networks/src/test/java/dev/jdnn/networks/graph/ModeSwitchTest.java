package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.ops.Backend;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training and evaluation graphs differ exactly where they should: BN statistics, dropout. */
class ModeSwitchTest {
    static final Shape SHAPE = Shape.of(4, 3, 6, 6);
    final Backend backend = TestBackends.cpu();

    private static float[] row(float[] logits, int n, int classes) {
        return Arrays.copyOfRange(logits, n * classes, (n + 1) * classes);
    }

    @Test
    void evalOutputOfASampleIsIndependentOfTheRestOfTheBatchButTrainingOutputIsNot() {
        try (CompiledModel m = CompiledModel.compile(TinyNets.residualNet(3, TinyNets.RELU), SHAPE, backend, 1)) {
            float[] a = GraphFixture.input(SHAPE, 1), b = GraphFixture.input(SHAPE, 2);
            int sample = Math.toIntExact(SHAPE.numel() / 4);
            System.arraycopy(a, 0, b, 0, sample); // same sample 0, different samples 1..3
            m.setTraining(false);
            backend.upload(a, m.input());
            float[] evalA = backend.download(m.forward());
            backend.upload(b, m.input());
            float[] evalB = backend.download(m.forward());
            assertArrayEquals(row(evalA, 0, 3), row(evalB, 0, 3), "eval: sample 0's logits must not depend on the other samples");
            assertFalse(Arrays.equals(row(evalA, 1, 3), row(evalB, 1, 3)), "different samples give different logits");

            m.setTraining(true);
            backend.upload(a, m.input());
            float[] trainA = backend.download(m.forward());
            backend.upload(b, m.input());
            float[] trainB = backend.download(m.forward());
            assertFalse(Arrays.equals(row(trainA, 0, 3), row(trainB, 0, 3)), "training: batch statistics couple the samples");
        }
    }

    @Test
    void runningStatisticsChangeOnlyInTraining() {
        try (CompiledModel m = CompiledModel.compile(TinyNets.residualNet(3, TinyNets.RELU), SHAPE, backend, 1);
             Tensor labels = GraphFixture.labels(backend, 4, 3)) {
            backend.upload(GraphFixture.input(SHAPE, 3), m.input());
            Parameter mean = m.stateDict().get("body.0.bn1.running_mean"), var = m.stateDict().get("body.0.bn1.running_var");
            float[] mean0 = backend.download(mean.value()), var0 = backend.download(var.value());
            assertArrayEquals(new float[]{0, 0, 0}, mean0, "running_mean initialised to 0");
            assertArrayEquals(new float[]{1, 1, 1}, var0, "running_var initialised to 1");

            m.setTraining(false);
            m.forward();
            assertArrayEquals(mean0, backend.download(mean.value()), "eval forward must not touch running_mean");
            assertArrayEquals(var0, backend.download(var.value()), "eval forward must not touch running_var");

            m.setTraining(true);
            m.forwardBackward(labels, 0f);
            assertFalse(Arrays.equals(mean0, backend.download(mean.value())), "a training step updates running_mean");
            assertFalse(Arrays.equals(var0, backend.download(var.value())), "a training step updates running_var");
        }
    }

    @Test
    void dropoutIsActiveOnlyInTraining() {
        Shape shape = Shape.of(8, 3, 4, 4);
        Layer withDropout = new TinyNets.Classifier(new dev.jdnn.networks.layers.Conv2d(3, 16, 3, 1, 1, true), 16, 3, 0.5f);
        Layer without = new TinyNets.Classifier(new dev.jdnn.networks.layers.Conv2d(3, 16, 3, 1, 1, true), 16, 3, 0f);
        try (CompiledModel d = CompiledModel.compile(withDropout, shape, backend, 5);
             CompiledModel plain = CompiledModel.compile(without, shape, backend, 5)) {
            float[] x = GraphFixture.input(shape, 4);
            backend.upload(x, d.input());
            backend.upload(x, plain.input());
            d.setTraining(false);
            plain.setTraining(false);
            float[] reference = backend.download(plain.forward());
            assertArrayEquals(reference, backend.download(d.forward()), "eval: dropout is the identity (same parameters, same seed)");
            assertTrue(d.describeGraph(true).contains("dropout"), "the training graph has a dropout node");
            assertFalse(d.describeGraph(false).contains("dropout"), "the evaluation graph has none");

            d.setTraining(true);
            float[] first = backend.download(d.forward()), second = backend.download(d.forward());
            assertFalse(Arrays.equals(reference, first), "training: dropout changes the output");
            assertFalse(Arrays.equals(first, second), "training: each forward draws a new mask");
            assertEquals(reference.length, first.length);
        }
    }
}
