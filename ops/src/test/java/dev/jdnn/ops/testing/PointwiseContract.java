package dev.jdnn.ops.testing;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.OperandType;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Elementwise, per-channel and layout ops against direct float64 formulas, on densely packed and strided operands
 * (batch-strided NCHW, pixel-strided NHWC), in every operand type ({@link TypedContract}); results rounded once
 * (k = 2, the default), moves exact. Backend-independent (see {@link BackendContract}).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.jdnn.ops.testing.TypedContract#operandTypes")
public abstract class PointwiseContract extends TypedContract {
    protected static final int N = 3, C = 5, HW = 63, SIZE = N * C * HW;
    protected float[] a, b; // stored in the run's dtype: see storeInputs

    @BeforeEach
    public void storeInputs() { // after the run's operand type is injected (field initialisers run before)
        a = stored(Rand.uniform(71, SIZE));
        b = stored(Rand.uniform(72, SIZE));
    }

    @Test
    public void fillAddScaledAddAndScale() {
        try (var f = fixtures()) {
            Backend be = f.backend();
            for (boolean strided : new boolean[] {false, true}) {
                Tensor t = f.actOutput(NCHW, strided);
                be.fill(t, 2.5f);
                float[] expectedFill = new float[SIZE];
                java.util.Arrays.fill(expectedFill, 2.5f);
                assertArrayEquals(expectedFill, f.get(t));

                Tensor y = f.act(NCHW, b, strided);
                be.addScaled(-2f, f.act(NCHW, a, strided), 0.5f, y);
                assertClose("addScaled", map((i) -> -2.0 * a[i] + 0.5 * b[i]), f.get(y), stored(1e-7));
                Tensor nan = f.actOutput(NCHW, strided);
                be.addScaled(3f, f.act(NCHW, a, strided), 0f, nan);
                assertClose("addScaled with beta 0 ignores NaN", map(i -> 3.0 * a[i]), f.get(nan), stored(1e-7));

                Tensor ta = f.act(NCHW, a, strided), tb = f.act(NCHW, b, strided);
                be.add(ta, tb, ta); // c aliases a
                assertClose("add in place", map(i -> (double) a[i] + b[i]), f.get(ta), stored(1e-7));
                be.scale(tb, -3f);
                assertClose("scale", map(i -> -3.0 * b[i]), f.get(tb), stored(1e-7));
                assertTrue(f.paddingIntact(t) && f.paddingIntact(y) && f.paddingIntact(ta) && f.paddingIntact(tb), "wrote outside a view");
            }
        }
    }

    @Test
    public void addBiasOnImagesAndRows() {
        float[] bias = Rand.uniform(73, C);
        try (var f = fixtures()) {
            Tensor y = f.act(NCHW, a, true);
            f.backend().addBias(y, f.tensor(Shape.of(C), bias));
            assertClose("NCHW bias", map(i -> (double) a[i] + bias[(i / HW) % C]), f.get(y), stored(1e-7));
            float[] rows = stored(Rand.uniform(74, 4 * C));
            Tensor r = f.act(Shape.of(4, C), rows, true);
            f.backend().addBias(r, f.tensor(Shape.of(C), bias));
            double[] expected = new double[rows.length];
            for (int i = 0; i < rows.length; i++) expected[i] = (double) rows[i] + bias[i % C];
            assertClose("[N, C] bias", expected, f.get(r), stored(1e-7));
        }
    }

    @Test
    public void scaleChannelsAndBackward() {
        float[] s = stored(Rand.uniform(75, N * C)), dy = stored(Rand.uniform(76, SIZE)), dx0 = stored(Rand.uniform(77, SIZE)), ds0 = stored(Rand.uniform(78, N * C));
        Shape gate = Shape.of(N, C, 1, 1);
        double[] expectedDs = new double[N * C];
        for (int i = 0; i < SIZE; i++) expectedDs[i / HW] += (double) dy[i] * a[i];
        try (var f = fixtures()) {
            Tensor y = f.actOutput(NCHW, true), x = f.act(NCHW, a, true), ts = f.act(gate, s, true);
            f.backend().scaleChannels(x, ts, y);
            assertClose("gate", map(i -> (double) a[i] * s[i / HW]), f.get(y), stored(1e-7));

            Tensor dx = f.act(NCHW, dx0, true), ds = f.act(gate, ds0, true);
            f.backend().scaleChannelsBackward(x, ts, f.act(NCHW, dy, true), 1f, dx, 0.5f, ds);
            assertClose("dx = dy*s + dx0", map(i -> (double) dy[i] * s[i / HW] + dx0[i]), f.get(dx), stored(1e-7));
            double[] eds = new double[N * C];
            for (int i = 0; i < eds.length; i++) eds[i] = expectedDs[i] + 0.5 * ds0[i];
            assertClose("ds = Σ dy*x + 0.5*ds0", eds, f.get(ds), stored(1e-6));
            assertTrue(f.paddingIntact(dx) && f.paddingIntact(ds), "wrote outside a view");

            Tensor onlyDs = f.actOutput(gate, false);
            f.backend().scaleChannelsBackward(x, ts, f.act(NCHW, dy, false), 0f, null, 0f, onlyDs);
            assertClose("ds alone", expectedDs, f.get(onlyDs), stored(1e-6));
        }
    }

    /** A batch norm applied through its equivalent scale and bias, with and without the ReLU, out of place and in place. */
    @Test
    public void scaleBiasActivationWithAndWithoutRelu() {
        float[] scale = Rand.uniform(83, C), bias = Rand.uniform(84, C);
        double[] affine = map(i -> (double) a[i] * scale[(i / HW) % C] + bias[(i / HW) % C]);
        double[] relu = java.util.Arrays.stream(affine).map(v -> Math.max(v, 0)).toArray();
        try (var f = new BackendParityFixtures(backend())) {
            Backend be = f.backend();
            Tensor ts = f.tensor(Shape.of(C), scale), tb = f.tensor(Shape.of(C), bias);
            for (boolean strided : new boolean[] {false, true}) {
                Tensor y = f.output(NCHW, strided);
                be.scaleBiasActivation(f.tensor(NCHW, a, strided), ts, tb, Activation.IDENTITY, y);
                assertClose("x * scale + bias, strided=" + strided, affine, f.get(y), tol(1e-6));
                Tensor inPlace = f.tensor(NCHW, a, strided);
                be.scaleBiasActivation(inPlace, ts, tb, Activation.RELU, inPlace);
                assertClose("relu(x * scale + bias) in place, strided=" + strided, relu, f.get(inPlace), tol(1e-6));
                assertTrue(f.paddingIntact(y) && f.paddingIntact(inPlace), "wrote outside a view");
            }
            Tensor x = f.tensor(NCHW, a);
            var kind = assertThrows(IllegalArgumentException.class, () -> be.scaleBiasActivation(x, ts, tb, Activation.SIGMOID, x));
            assertTrue(kind.getMessage().contains("IDENTITY or RELU, got SIGMOID"), kind.getMessage());
            var channels = assertThrows(IllegalArgumentException.class, () -> be.scaleBiasActivation(x, f.tensor(Shape.of(C + 1), Rand.uniform(85, C + 1)), tb, Activation.RELU, x));
            assertTrue(channels.getMessage().contains("scaleBiasActivation scale"), channels.getMessage());
        }
    }

    @Test
    public void channelShuffleAndItsInverse() {
        Shape shape = Shape.of(2, 6, 2, 3);
        int groups = 2, hw = 6, c = 6;
        float[] x = stored(Rand.uniform(79, (int) shape.numel()));
        double[] expected = new double[x.length];
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < groups; i++)
                for (int j = 0; j < c / groups; j++)
                    for (int k = 0; k < hw; k++) expected[((n * c) + j * groups + i) * hw + k] = x[((n * c) + i * (c / groups) + j) * hw + k];
        try (var f = fixtures()) {
            Tensor tx = f.act(shape, x, true), y = f.actOutput(shape, true), back = f.actOutput(shape, false);
            f.backend().channelShuffle(tx, groups, y);
            assertClose("shuffled", expected, f.get(y), 0);
            f.backend().channelShuffle(y, c / groups, back);
            assertArrayEquals(x, f.get(back), "shuffle with C/groups groups undoes it");
            var e = assertThrows(IllegalArgumentException.class, () -> f.backend().channelShuffle(tx, 4, y));
            assertTrue(e.getMessage().contains("groups=4"), e.getMessage());
        }
    }

    /**
     * Each pointwise operand in its own dtype: a float32 source accumulated into an activation (how a float32 result
     * reaches a half-precision tensor), and cast between every pair of dtypes and formats, exact when widening.
     */
    @Test
    public void operandsOfDifferentDtypesAndCastsBetweenFormats() {
        float[] wide = Rand.uniform(83, SIZE, -3, 3);
        try (var f = fixtures(); var float32 = new BackendParityFixtures(backend(), OperandType.of(type.format(), DType.FLOAT32))) {
            Tensor y = f.act(NCHW, b, true);
            f.backend().addScaled(2f, float32.act(NCHW, wide, false), 1f, y);
            assertClose("float32 x into " + type.describe() + " y", map(i -> 2.0 * wide[i] + b[i]), f.get(y), stored(1e-7));
            for (OperandType to : TypedContract.operandTypes().toList()) {
                try (var g = new BackendParityFixtures(f.backend(), to)) {
                    Tensor src = f.act(NCHW, wide, true), dst = g.actOutput(NCHW, true);
                    f.backend().cast(src, dst);
                    float[] expected = g.stored(f.stored(wide));
                    assertArrayEquals(expected, g.get(dst), type.describe() + " -> " + to.describe() + ": one rounding to the narrower type");
                    assertTrue(g.paddingIntact(dst), "cast wrote outside the view");
                }
            }
            var e = assertThrows(IllegalArgumentException.class, () -> f.backend().cast(f.act(NCHW, a, false), f.ints(NCHW, new int[SIZE])));
            assertTrue(e.getMessage().contains("int32"), e.getMessage());
        }
    }

    /** Big enough that elementwise work is cut into pieces across the pool's threads (rows and parts of rows). */
    @Test
    public void largeOperandsSplitAcrossThreads() {
        Shape big = Shape.of(2, 3, 100, 101);
        int n = (int) big.numel();
        float[] x = stored(Rand.uniform(81, n)), y0 = stored(Rand.uniform(82, n));
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) expected[i] = 0.25 * x[i] - 2.0 * y0[i];
        try (var f = fixtures()) {
            for (boolean strided : new boolean[] {false, true}) {
                Tensor y = f.act(big, y0, strided);
                f.backend().addScaled(0.25f, f.act(big, x, strided), -2f, y);
                assertClose("large addScaled, strided=" + strided, expected, f.get(y), stored(1e-7));
                assertTrue(f.paddingIntact(y), "wrote outside the view");
            }
        }
    }

    protected static double[] map(java.util.function.IntToDoubleFunction fn) {
        double[] out = new double[SIZE];
        for (int i = 0; i < SIZE; i++) out[i] = fn.applyAsDouble(i);
        return out;
    }
}
