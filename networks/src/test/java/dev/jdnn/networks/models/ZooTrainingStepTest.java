package dev.jdnn.networks.models;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every zoo model that fits a quick CPU run goes through the graph layer: compile at batch 2 on a small input,
 * one forward+backward. Asserts the wiring end to end: finite loss, every trainable parameter reached by a finite,
 * non-zero gradient (a disconnected branch or aux head would get none), the evaluation graph gives finite logits of
 * the traced shape, and — for models without dropout or stochastic depth — the loss equals a float64 softmax
 * cross-entropy of the training graph's own logits and the gradient matches a central finite difference of the
 * loss along the gradient direction. The 100M+ parameter models (AlexNet, VGG, ResNeXt-101, EfficientNet b5+,
 * V2-M/L) are left out for time; their wiring is covered by the shape-only tests.
 */
class ZooTrainingStepTest {
    private static final Backend CPU = new CpuBackend();
    private static final int BATCH = 2;

    private static CompiledModel compile(String name, int channels, int size, int classes) {
        Layer m = Models.create(name, ModelConfig.of(classes, channels, size, size));
        CompiledModel cm = CompiledModel.compile(m, Shape.of(BATCH, channels, size, size), CPU, 7);
        float[] x = new float[BATCH * channels * size * size];
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < x.length; i++) x[i] = (float) (2 * r.nextDouble() - 1);
        CPU.upload(x, cm.input());
        return cm;
    }

    /**
     * One training step; aborts the test (visible skip) while the CPU backend still lacks an op the model needs —
     * branches are developed in parallel and the convolution may land after this test.
     */
    private static float step(CompiledModel cm, Tensor y) {
        try {
            return cm.forwardBackward(y, 0f);
        } catch (IllegalStateException e) {
            Assumptions.assumeFalse(e.getCause() instanceof UnsupportedOperationException,
                    "CPU backend op not implemented yet: " + e.getMessage());
            throw e;
        }
    }

    private static Tensor labels(int... values) {
        Tensor t = CPU.allocate(Shape.of(values.length), DType.INT32);
        CPU.uploadInts(values, t);
        return t;
    }

    @ParameterizedTest(name = "{0} at {1}x{2}x{2}")
    @CsvSource({
            "lenet5, 1, 32", "lenet5_28, 1, 28", "alexnet_lrn, 3, 64",
            "resnet20, 3, 32", "resnet32, 3, 16", "resnet18, 3, 32", "resnet50, 3, 32",
            "googlenet, 3, 32", "mobilenet_v1, 3, 32", "mobilenet_v2, 1, 28", "mobilenet_v3_large, 3, 32", "mobilenet_v3_small, 3, 32",
            "shufflenet_v1, 3, 32", "shufflenet_v2_x0_5, 3, 32", "shufflenet_v2_x1_0, 1, 28",
            "efficientnet_b0, 3, 32", "efficientnet_v2_s, 3, 32",
    })
    void forwardBackwardReachesEveryParameter(String name, int channels, int size) {
        try (CompiledModel cm = compile(name, channels, size, 10); Tensor y = labels(3, 7)) {
            cm.setTraining(true);
            float loss = step(cm, y);
            assertTrue(Float.isFinite(loss) && loss > 0, name + " loss " + loss);
            List<String> droppable = stochasticDepthBlocks(cm.module());
            for (Map.Entry<String, Parameter> e : cm.trainableParameters().entrySet()) {
                float[] g = CPU.download(e.getValue().grad());
                double norm = 0;
                for (float v : g) {
                    assertTrue(Float.isFinite(v), name + ": non-finite gradient in " + e.getKey());
                    norm += v * v;
                }
                // A block whose branch stochastic depth dropped for the whole (2-sample) batch rightly gets none.
                boolean mayBeDropped = droppable.stream().anyMatch(prefix -> e.getKey().startsWith(prefix + "."));
                assertTrue(norm > 0 || mayBeDropped, name + ": no gradient reaches " + e.getKey());
            }
            cm.setTraining(false);
            float[] logits = CPU.download(cm.forward());
            assertEquals(Shape.of(BATCH, 10), cm.outputShape());
            for (float v : logits) assertTrue(Float.isFinite(v), name + ": non-finite logit in evaluation");
        }
    }

    /**
     * Models whose training graph is deterministic (BN batch statistics, no dropout / stochastic depth). Inputs are
     * large enough that the last BN layers see more than one value per sample (at 1x1 with batch 2 they normalise
     * two numbers and the loss becomes too curved for a finite difference). BN's scale invariance gives small
     * depthwise weights large, sharply curved gradients, hence the small step (1e-5 along the unit gradient; the
     * float32 loss still resolves 2e-5 |g|).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"lenet5, 1, 32", "resnet20, 3, 16", "shufflenet_v2_x0_5, 3, 64", "shufflenet_v1, 3, 64", "mobilenet_v1, 1, 64"})
    void lossAndGradientAgreeWithIndependentReferences(String name, int channels, int size) {
        try (CompiledModel cm = compile(name, channels, size, 10); Tensor y = labels(3, 7)) {
            cm.setTraining(true);
            float loss = step(cm, y);
            assertEquals(crossEntropy(CPU.download(cm.forward()), new int[]{3, 7}, 10), loss, 1e-5 * Math.max(1, loss), "loss vs float64 cross-entropy");

            float[] p = CPU.download(cm.flatParameters()), g = CPU.download(cm.flatGradients());
            double gNorm = 0;
            for (float v : g) gNorm += (double) v * v;
            gNorm = Math.sqrt(gNorm);
            // d = g / |g|: the directional derivative of the loss along d is |g|.
            double eps = 1e-5;
            double up = lossAt(cm, y, p, g, eps / gNorm), down = lossAt(cm, y, p, g, -eps / gNorm);
            double fd = (up - down) / (2 * eps);
            assertEquals(gNorm, fd, 0.03 * gNorm, name + ": directional derivative, analytic " + gNorm + " vs central difference " + fd);
        }
    }

    /**
     * A few SGD steps (gradient norm clipped to 1, as BN-scaled depthwise weights get very large gradients at init)
     * on one fixed batch must lower its loss: parameters, gradients and their flat views line up.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"lenet5_28, 1, 28", "resnet20, 3, 16"})
    void sgdStepsLowerTheLossOnOneBatch(String name, int channels, int size) {
        try (CompiledModel cm = compile(name, channels, size, 10); Tensor y = labels(3, 7)) {
            cm.setTraining(true);
            float first = step(cm, y), last = first;
            for (int i = 0; i < 5; i++) {
                float[] p = CPU.download(cm.flatParameters()), g = CPU.download(cm.flatGradients());
                double norm = 0;
                for (float v : g) norm += (double) v * v;
                float lr = (float) (0.1 / Math.max(1, Math.sqrt(norm)));
                for (int j = 0; j < p.length; j++) p[j] -= lr * g[j];
                CPU.upload(p, cm.flatParameters());
                last = step(cm, y);
            }
            assertTrue(last < 0.95 * first, name + ": loss " + first + " -> " + last + " after 5 SGD steps");
        }
    }

    @Test
    void googlenetAuxLossesAreAddedInTrainingOnly() {
        try (CompiledModel cm = compile("googlenet", 3, 32, 10); Tensor y = labels(1, 2)) {
            cm.setTraining(true);
            float total = step(cm, y);
            // Each head starts near chance (ln 10 = 2.30 with 0.01-std weights), so 1.6 ln 10 is a loose, failing-if-absent bound.
            assertTrue(total > 1.6 * Math.log(10) * 0.9, "total loss " + total + " should include 0.3 x two aux losses");
        }
    }

    /** Paths of EfficientNet blocks that training may skip (stochastic depth > 0). */
    static List<String> stochasticDepthBlocks(Layer model) {
        return model.namedModules().entrySet().stream()
                .filter(e -> e.getValue() instanceof EfficientNet.MBConv b && b.stochasticDepth() > 0
                        || e.getValue() instanceof EfficientNet.FusedMBConv f && f.stochasticDepth() > 0)
                .map(Map.Entry::getKey).toList();
    }

    @Test
    void efficientnetStochasticDepthGrowsLinearlyOverBlocks() {
        List<String> blocks = stochasticDepthBlocks(Models.create("efficientnet_b0"));
        // b0 has 16 blocks, block i gets p = 0.2 i / 16; only residual blocks (not features.1.0 or features.7.0) apply it.
        assertTrue(!blocks.contains("features.1.0") && !blocks.contains("features.7.0") && blocks.contains("features.6.3"), blocks.toString());
        var last = (EfficientNet.MBConv) Models.create("efficientnet_b0").module("features.6.3");
        assertEquals(0.2f * 14 / 16, last.stochasticDepth(), 1e-7);
    }

    /** Loss at p + step * g (the flat parameters are restored afterwards). */
    private static double lossAt(CompiledModel cm, Tensor y, float[] p, float[] g, double step) {
        float[] q = new float[p.length];
        for (int i = 0; i < p.length; i++) q[i] = (float) (p[i] + step * g[i]);
        CPU.upload(q, cm.flatParameters());
        double loss = cm.forwardBackward(y, 0f);
        CPU.upload(p, cm.flatParameters());
        return loss;
    }

    /** Mean softmax cross-entropy in float64. */
    private static double crossEntropy(float[] logits, int[] labels, int classes) {
        double total = 0;
        for (int n = 0; n < labels.length; n++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < classes; c++) max = Math.max(max, logits[n * classes + c]);
            for (int c = 0; c < classes; c++) sum += Math.exp(logits[n * classes + c] - max);
            total += Math.log(sum) + max - logits[n * classes + labels[n]];
        }
        return total / labels.length;
    }
}
