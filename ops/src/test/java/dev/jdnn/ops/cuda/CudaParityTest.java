package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;
import dev.jdnn.ops.LrnSpec;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;
import dev.jdnn.ops.PoolSpec;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.ops.testing.Approx;
import dev.jdnn.ops.testing.BackendParityFixtures;
import dev.jdnn.ops.testing.Rand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every CUDA op, forward and backward, against the CPU backend on the same random inputs (odd shapes, groups,
 * depthwise, strides, dilation, batch-strided views). Tolerances are on max|cuda - cpu| / max|cpu|:
 * <ul>
 *   <li>convolution: 1e-4 strict FP32 (cuDNN may pick Winograd/FFT, which round differently), 1e-2 with TF32;</li>
 *   <li>linear (cuBLAS): 1e-5 strict FP32, 1e-2 with TF32;</li>
 *   <li>batch norm: 1e-4 (different reduction orders over N·H·W); LRN, softmax, activations, loss: 1e-5;</li>
 *   <li>pooling, pointwise and layout ops, optimizers: 1e-6 (same arithmetic, at most reordered).</li>
 * </ul>
 */
@Tag("gpu")
class CudaParityTest {
    private static final CpuBackend cpu = new CpuBackend();
    private static Backend strict, tf32;

    @BeforeAll
    static void start() {
        strict = GpuTests.backendOrNull(true);
        tf32 = GpuTests.backendOrNull(false);
    }

    @BeforeEach
    void requireGpu() {
        GpuTests.assumeGpu();
    }

    @AfterAll
    static void stop() {
        if (strict != null) strict.close();
        if (tf32 != null) tf32.close();
    }

    /** Runs {@code op} on the CPU and on {@code cuda} and compares every returned array. */
    private static void parity(String what, Backend cuda, double tolerance, Function<BackendParityFixtures, float[][]> op) {
        float[][] expected, actual;
        try (var f = new BackendParityFixtures(cpu)) {
            expected = op.apply(f);
        }
        try (var f = new BackendParityFixtures(cuda)) {
            actual = op.apply(f);
        }
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) Approx.assertClose(what + " [result " + i + "]", expected[i], actual[i], tolerance);
    }

    private static float[] flag(boolean b) {
        return new float[]{b ? 1f : 0f};
    }

    private static int n(Shape s) {
        return Math.toIntExact(s.numel());
    }

    private static float[] constant(Shape s, float v) {
        float[] a = new float[n(s)];
        Arrays.fill(a, v);
        return a;
    }

    // ---- convolution and linear -------------------------------------------------------------------------------

    static final List<Conv2dSpec> CONVS = List.of(
            Conv2dSpec.of(Shape.of(3, 5, 7, 9), 4, 3, 1, 1, 1, 1, true),
            Conv2dSpec.of(Shape.of(2, 6, 11, 13), 9, 3, 2, 1, 1, 3, false),      // groups 3, stride 2
            Conv2dSpec.of(Shape.of(2, 8, 10, 9), 8, 3, 1, 2, 2, 8, true),        // depthwise, dilation 2
            Conv2dSpec.of(Shape.of(2, 5, 9, 8), 7, 1, 1, 0, 1, 1, false),        // pointwise
            new Conv2dSpec(2, 4, 10, 17, 6, 3, 1, 2, 1, 0, 0, 1, 3, 2, true));  // rectangular kernel, mixed stride/dilation

    static float[][] conv(BackendParityFixtures f, Conv2dSpec s, boolean strided) {
        Backend b = f.backend();
        try (Conv2dPlan p = b.conv2d(s)) {
            Tensor ws = p.workspaceBytes() == 0 ? null : f.bytes(p.workspaceBytes());
            Tensor x = f.tensor(s.inputShape(), Rand.uniform(1, n(s.inputShape())), strided);
            Tensor w = f.tensor(s.weightShape(), Rand.uniform(2, n(s.weightShape())), false);
            Tensor bias = s.bias() ? f.tensor(s.biasShape(), Rand.uniform(3, s.outChannels()), false) : null;
            Tensor y = f.output(s.outputShape(), strided);
            p.forward(1f, x, w, bias, 0f, y, ws);
            Tensor dy = f.tensor(s.outputShape(), Rand.uniform(4, n(s.outputShape())), strided);
            Tensor dx = f.output(s.inputShape(), strided);
            p.backwardData(1f, dy, w, 0f, dx, ws);
            Tensor dw = f.tensor(s.weightShape(), constant(s.weightShape(), 1f), false); // accumulate: 0.5 * grad + 1 * ones
            p.backwardFilter(0.5f, x, dy, 1f, dw, ws);
            Tensor db = f.output(s.biasShape(), false);
            p.backwardBias(1f, dy, 0f, db);
            return new float[][]{f.get(y), f.get(dx), f.get(dw), f.get(db), flag(f.paddingIntact(y) && f.paddingIntact(dx))};
        }
    }

    @Test
    void convolutionStrictFp32() {
        for (Conv2dSpec s : CONVS) for (boolean strided : new boolean[]{false, true}) {
            parity("conv2d strict " + s + (strided ? " strided" : ""), strict, 1e-4, f -> conv(f, s, strided));
        }
    }

    @Test
    void convolutionTf32() {
        for (Conv2dSpec s : CONVS) parity("conv2d TF32 " + s, tf32, 1e-2, f -> conv(f, s, false));
    }

    private static float[][] linear(BackendParityFixtures f, LinearSpec s, boolean strided) {
        try (LinearPlan p = f.backend().linear(s)) {
            Tensor x = f.tensor(s.inputShape(), Rand.uniform(5, n(s.inputShape())), strided);
            Tensor w = f.tensor(s.weightShape(), Rand.uniform(6, n(s.weightShape())), false);
            Tensor bias = f.tensor(s.biasShape(), Rand.uniform(7, s.outFeatures()), false);
            Tensor y = f.output(s.outputShape(), strided);
            p.forward(1f, x, w, bias, 0f, y);
            Tensor dy = f.tensor(s.outputShape(), Rand.uniform(8, n(s.outputShape())), strided);
            Tensor dx = f.output(s.inputShape(), strided);
            p.backwardData(1f, dy, w, 0f, dx);
            Tensor dw = f.tensor(s.weightShape(), constant(s.weightShape(), 1f), false);
            p.backwardWeight(0.5f, x, dy, 1f, dw);
            Tensor db = f.tensor(s.biasShape(), constant(s.biasShape(), 2f), false);
            p.backwardBias(1f, dy, 1f, db);
            return new float[][]{f.get(y), f.get(dx), f.get(dw), f.get(db), flag(f.paddingIntact(y) && f.paddingIntact(dx))};
        }
    }

    @Test
    void linearStrictAndTf32() {
        for (LinearSpec s : List.of(new LinearSpec(7, 33, 10, true), new LinearSpec(64, 257, 129, true))) {
            parity("linear strict " + s, strict, 1e-5, f -> linear(f, s, false));
            parity("linear strict strided " + s, strict, 1e-5, f -> linear(f, s, true));
            parity("linear TF32 " + s, tf32, 1e-2, f -> linear(f, s, false));
        }
    }

    // ---- normalisation, pooling, activations ------------------------------------------------------------------

    @Test
    void batchNorm() {
        BatchNormSpec s = new BatchNormSpec(BackendParityFixtures.NCHW, 1e-5, 0.1);
        int c = s.channels(), n = n(s.shape());
        float[] x = Rand.gaussian(9, n, 0.5, 2), g = Rand.uniform(10, c, 0.5, 1.5), b = Rand.uniform(11, c);
        float[] rm = Rand.uniform(12, c), rv = Rand.uniform(13, c, 0.5, 2), dy = Rand.uniform(14, n);
        for (boolean strided : new boolean[]{false, true}) {
            parity("batchNorm training", strict, 1e-4, f -> {
                var r = f.batchNormTraining(s, x, g, b, rm, rv, strided);
                return new float[][]{r.y(), r.runningMean(), r.runningVar(), r.saveMean(), r.saveInvStd()};
            });
            parity("batchNorm inference", strict, 1e-5, f -> new float[][]{f.batchNormInference(s, x, g, b, rm, rv, strided)});
            parity("batchNorm backward", strict, 1e-4, f -> f.batchNormBackward(s, x, g, b, dy, strided));
        }
    }

    @Test
    void pooling() {
        Shape in = BackendParityFixtures.NCHW;
        List<PoolSpec> specs = List.of(PoolSpec.max(in, 3, 2, 1, false), PoolSpec.max(in, 2, 2, 0, true), // ceil: kernel path
                PoolSpec.avg(in, 3, 2, 1, false, true), PoolSpec.avg(in, 3, 2, 1, false, false),
                PoolSpec.avg(in, 2, 2, 1, true, true), PoolSpec.avg(in, 3, 2, 1, true, false),           // ceil averages
                PoolSpec.adaptiveAvg(in, 3, 4), PoolSpec.adaptiveAvg(in, 1, 1));
        float[] x = Rand.uniform(15, n(in));
        for (PoolSpec s : specs) for (boolean strided : new boolean[]{false, true}) {
            float[] dy = Rand.uniform(16, n(s.outputShape()));
            parity("pool " + s + (strided ? " strided" : ""), strict, 1e-6, f -> new float[][]{f.poolForward(s, x, strided), f.poolBackward(s, x, dy, strided)});
        }
    }

    @Test
    void activations() {
        Shape shape = BackendParityFixtures.NCHW;
        float[] x = Rand.uniform(17, n(shape), -5, 7), dy = Rand.uniform(18, n(shape));
        for (Activation a : Activation.values()) for (boolean strided : new boolean[]{false, true}) {
            parity("activation " + a + (strided ? " strided" : ""), strict, 1e-5, f -> new float[][]{
                    f.activationForward(a, 0.1f, shape, x, strided), f.activationBackward(a, 0.1f, shape, x, dy, strided)});
        }
    }

    @Test
    void lrnOddWindow() {
        LrnSpec s = new LrnSpec(Shape.of(2, 7, 5, 4), 5, 1e-2, 0.75, 2.0);
        float[] x = Rand.uniform(19, n(s.shape()), -3, 3), dy = Rand.uniform(20, n(s.shape()));
        parity("lrn size 5", strict, 1e-5, f -> new float[][]{f.lrnForward(s, x, false), f.lrnBackward(s, x, dy, false)});
    }

    @Test
    void lrnEvenWindow() {
        // PyTorch pads size/2 channels before and (size-1)/2 after; cuDNN's even-window placement must agree.
        LrnSpec s = new LrnSpec(Shape.of(2, 7, 5, 4), 4, 1e-2, 0.75, 2.0);
        float[] x = Rand.uniform(21, n(s.shape()), -3, 3), dy = Rand.uniform(22, n(s.shape()));
        parity("lrn size 4", strict, 1e-5, f -> new float[][]{f.lrnForward(s, x, false), f.lrnBackward(s, x, dy, false)});
    }

    @Test
    void softmaxAndCrossEntropy() {
        Shape s = Shape.of(6, 13);
        float[] x = Rand.uniform(23, n(s), -4, 4), dy = Rand.uniform(24, n(s));
        int[] labels = Rand.labels(25, 6, 13);
        for (boolean log : new boolean[]{false, true}) {
            parity("softmax log=" + log, strict, 1e-5, f -> new float[][]{f.softmaxForward(s, log, x, false), f.softmaxBackward(s, log, x, dy, false)});
        }
        for (float eps : new float[]{0f, 0.1f}) for (boolean strided : new boolean[]{false, true}) {
            parity("crossEntropy smoothing " + eps, strict, 1e-5, f -> f.crossEntropy(6, 13, eps, x, labels, 2f, strided));
        }
        // many classes: the per-row block reduction loops over more classes than threads
        float[] big = Rand.uniform(26, 3 * 1000, -4, 4);
        int[] bigLabels = Rand.labels(27, 3, 1000);
        parity("crossEntropy 1000 classes", strict, 1e-5, f -> f.crossEntropy(3, 1000, 0.1f, big, bigLabels, 1f, false));
    }

    // ---- pointwise, layout and reductions ---------------------------------------------------------------------

    @Test
    void pointwiseAndLayout() {
        Shape s = BackendParityFixtures.NCHW, gate = Shape.of(3, 5, 1, 1);
        float[] a = Rand.uniform(28, n(s)), b = Rand.uniform(29, n(s)), g = Rand.uniform(30, n(gate)), bias = Rand.uniform(31, 5);
        for (boolean strided : new boolean[]{false, true}) {
            parity("pointwise" + (strided ? " strided" : ""), strict, 1e-6, f -> {
                Backend k = f.backend();
                Tensor ta = f.tensor(s, a, strided), tb = f.tensor(s, b, strided), tg = f.tensor(gate, g, false);
                Tensor sum = f.output(s, strided);
                k.add(ta, tb, sum);
                Tensor acc = f.tensor(s, b, strided);
                k.addScaled(0.5f, ta, 2f, acc);
                Tensor scaled = f.output(s, strided);
                k.scaleChannels(ta, tg, scaled);
                Tensor dx = f.tensor(s, b, strided), ds = f.tensor(gate, g, false);
                k.scaleChannelsBackward(ta, tg, tb, 1f, dx, 1f, ds);
                Tensor shuffled = f.output(s, false);
                k.channelShuffle(f.tensor(s, a, strided), 5, shuffled);
                Tensor biased = f.tensor(s, a, strided);
                k.addBias(biased, f.tensor(Shape.of(5), bias, false));
                Tensor sc = f.tensor(s, a, strided);
                k.scale(sc, -3f);
                Tensor filled = f.output(s, strided);
                k.fill(filled, 0.25f);
                Tensor copied = f.output(s, strided);
                k.copy(ta, copied);
                Tensor stepped = f.output(Shape.of(3, 5, 4, 5), false); // CIFAR option A: x[:, :, ::2, ::2]
                k.copy(ta.step(2, 2).step(3, 2), stepped);
                Tensor perSample = f.tensor(Shape.of(3, 1, 1, 1), 2f, 0f, -1f), broadcast = f.output(Shape.of(3, 5, 1, 1), false);
                k.copy(perSample.asStrided(Shape.of(3, 5, 1, 1), new long[]{1, 0, 1, 1}, 0), broadcast); // stochastic depth's mask
                return new float[][]{f.get(sum), f.get(acc), f.get(scaled), f.get(dx), f.get(ds), f.get(shuffled), f.get(biased),
                        f.get(sc), f.get(filled), f.get(copied), f.get(stepped), f.get(broadcast)};
            });
        }
    }

    // ---- optimizers --------------------------------------------------------------------------------------------

    private static float[][] optimize(BackendParityFixtures f, int count, OptimizerConfig config) {
        Backend k = f.backend();
        Shape s = Shape.of(count);
        Tensor p = f.tensor(s, Rand.uniform(33, count), false), m = f.tensor(s, constant(s, 0f), false);
        Tensor v = f.tensor(s, constant(s, 0f), false), vmax = f.tensor(s, constant(s, 0f), false);
        for (int step = 1; step <= 3; step++) {
            Tensor g = f.tensor(s, Rand.uniform(34 + step, count), false);
            Tensor scalars = f.tensor(Shape.of(OptimizerScalars.length(config)), OptimizerScalars.of(config, 0.1 / step, step), false);
            if (config instanceof OptimizerConfig.Sgd sgd) k.sgdStep(p, g, sgd.hasMomentum() ? m : null, sgd, scalars);
            else k.adamStep(p, g, m, v, vmax, (OptimizerConfig.Adam) config, scalars);
        }
        return new float[][]{f.get(p), f.get(m), f.get(v), f.get(vmax)};
    }

    /** The kernels round exactly where CpuOptimizers does (explicit intrinsics, no contraction): equal bit for bit. */
    @Test
    void optimizers() {
        List<OptimizerConfig> configs = List.of(new OptimizerConfig.Sgd(0, 0, 0, false),
                new OptimizerConfig.Sgd(0.9, 0.1, 5e-4, false), new OptimizerConfig.Sgd(0.9, 0, 5e-4, true),
                new OptimizerConfig.Adam(0.9, 0.999, 1e-8, 0, false, false),
                new OptimizerConfig.Adam(0.9, 0.999, 1e-8, 1e-2, false, false),
                new OptimizerConfig.Adam(0.9, 0.999, 1e-8, 1e-2, true, true));
        for (OptimizerConfig c : configs) for (int count : new int[]{1000, 1001}) { // float4 path and scalar path
            parity("optimizer " + c + " n=" + count, strict, 0, f -> optimize(f, count, c));
        }
    }

    // ---- dropout: the counter-based stream is the same on both backends, so the results are equal bit for bit ----

    @Test
    void dropoutMasksEqualTheCpuBackendsBitForBit() {
        Shape s = Shape.of(4, 8, 32, 32);
        float[] x = Rand.uniform(40, n(s), -1.5, 1.5), dy = Rand.uniform(41, n(s), -1.5, 1.5);
        for (float p : new float[]{0.3f, 0.5f}) {
            // positions 0 and 1 in order, then a seek to 1000
            Function<BackendParityFixtures, float[][]> run = f -> {
                try (var plan = f.backend().dropout(s, p, 1234)) {
                    Tensor reserve = f.bytes(plan.reserveBytes()), tx = f.tensor(s, x, true), tdy = f.tensor(s, dy, false);
                    float[][] out = new float[6][];
                    for (int i = 0; i < 3; i++) {
                        if (i == 2) plan.seek(1000);
                        Tensor y = f.output(s, i == 1), dx = f.output(s, false);
                        plan.forward(tx, y, reserve);
                        plan.backward(tdy, dx, reserve);
                        out[2 * i] = f.get(y);
                        out[2 * i + 1] = f.get(dx);
                    }
                    assertEquals(1001, plan.position());
                    return out;
                }
            };
            float[][] expected, actual;
            try (var f = new BackendParityFixtures(cpu)) {
                expected = run.apply(f);
            }
            try (var f = new BackendParityFixtures(strict)) {
                actual = run.apply(f);
            }
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], actual[i], "p=" + p + ", call " + (i / 2) + (i % 2 == 0 ? " output" : " input gradient"));
            }
            int zeros = 0;
            for (float v : actual[0]) if (v == 0f) zeros++;
            assertEquals(p, zeros / (double) actual[0].length, 0.01, "fraction dropped");
        }
    }
}
