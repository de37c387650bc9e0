package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;

import org.junit.jupiter.api.Test;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Elementwise, per-channel and layout ops against direct float64 formulas, on contiguous and batch-strided operands.
 * Backend-independent (see {@link BackendContract}).
 */
public abstract class PointwiseContract extends BackendContract {
    protected static final int N = 3, C = 5, HW = 63, SIZE = N * C * HW;
    protected final float[] a = Rand.uniform(71, SIZE), b = Rand.uniform(72, SIZE);

    @Test
    public void fillAddScaledAddAndScale() {
        try (var f = new BackendParityFixtures(backend())) {
            Backend be = f.backend();
            for (boolean strided : new boolean[] {false, true}) {
                Tensor t = f.output(NCHW, strided);
                be.fill(t, 2.5f);
                float[] expectedFill = new float[SIZE];
                java.util.Arrays.fill(expectedFill, 2.5f);
                assertArrayEquals(expectedFill, f.get(t));

                Tensor y = f.tensor(NCHW, b, strided);
                be.addScaled(-2f, f.tensor(NCHW, a, strided), 0.5f, y);
                assertClose("addScaled", map((i) -> -2.0 * a[i] + 0.5 * b[i]), f.get(y), tol(1e-7));
                Tensor nan = f.output(NCHW, strided);
                be.addScaled(3f, f.tensor(NCHW, a, strided), 0f, nan);
                assertClose("addScaled with beta 0 ignores NaN", map(i -> 3.0 * a[i]), f.get(nan), tol(1e-7));

                Tensor ta = f.tensor(NCHW, a, strided), tb = f.tensor(NCHW, b, strided);
                be.add(ta, tb, ta); // c aliases a
                assertClose("add in place", map(i -> (double) a[i] + b[i]), f.get(ta), tol(1e-7));
                be.scale(tb, -3f);
                assertClose("scale", map(i -> -3.0 * b[i]), f.get(tb), tol(1e-7));
                assertTrue(f.paddingIntact(t) && f.paddingIntact(y) && f.paddingIntact(ta) && f.paddingIntact(tb), "wrote outside a view");
            }
        }
    }

    @Test
    public void addBiasOnImagesAndRows() {
        float[] bias = Rand.uniform(73, C);
        try (var f = new BackendParityFixtures(backend())) {
            Tensor y = f.tensor(NCHW, a, true);
            f.backend().addBias(y, f.tensor(Shape.of(C), bias));
            assertClose("NCHW bias", map(i -> (double) a[i] + bias[(i / HW) % C]), f.get(y), tol(1e-7));
            float[] rows = Rand.uniform(74, 4 * C);
            Tensor r = f.tensor(Shape.of(4, C), rows, true);
            f.backend().addBias(r, f.tensor(Shape.of(C), bias));
            double[] expected = new double[rows.length];
            for (int i = 0; i < rows.length; i++) expected[i] = (double) rows[i] + bias[i % C];
            assertClose("[N, C] bias", expected, f.get(r), tol(1e-7));
        }
    }

    @Test
    public void scaleChannelsAndBackward() {
        float[] s = Rand.uniform(75, N * C), dy = Rand.uniform(76, SIZE), dx0 = Rand.uniform(77, SIZE), ds0 = Rand.uniform(78, N * C);
        Shape gate = Shape.of(N, C, 1, 1);
        double[] expectedDs = new double[N * C];
        for (int i = 0; i < SIZE; i++) expectedDs[i / HW] += (double) dy[i] * a[i];
        try (var f = new BackendParityFixtures(backend())) {
            Tensor y = f.output(NCHW, true), x = f.tensor(NCHW, a, true), ts = f.tensor(gate, s, true);
            f.backend().scaleChannels(x, ts, y);
            assertClose("gate", map(i -> (double) a[i] * s[i / HW]), f.get(y), tol(1e-7));

            Tensor dx = f.tensor(NCHW, dx0, true), ds = f.tensor(gate, ds0, true);
            f.backend().scaleChannelsBackward(x, ts, f.tensor(NCHW, dy, true), 1f, dx, 0.5f, ds);
            assertClose("dx = dy*s + dx0", map(i -> (double) dy[i] * s[i / HW] + dx0[i]), f.get(dx), tol(1e-7));
            double[] eds = new double[N * C];
            for (int i = 0; i < eds.length; i++) eds[i] = expectedDs[i] + 0.5 * ds0[i];
            assertClose("ds = Σ dy*x + 0.5*ds0", eds, f.get(ds), tol(1e-6));
            assertTrue(f.paddingIntact(dx) && f.paddingIntact(ds), "wrote outside a view");

            Tensor onlyDs = f.output(gate, false);
            f.backend().scaleChannelsBackward(x, ts, f.tensor(NCHW, dy, false), 0f, null, 0f, onlyDs);
            assertClose("ds alone", expectedDs, f.get(onlyDs), tol(1e-6));
        }
    }

    @Test
    public void channelShuffleAndItsInverse() {
        Shape shape = Shape.of(2, 6, 2, 3);
        int groups = 2, hw = 6, c = 6;
        float[] x = Rand.uniform(79, (int) shape.numel());
        double[] expected = new double[x.length];
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < groups; i++)
                for (int j = 0; j < c / groups; j++)
                    for (int k = 0; k < hw; k++) expected[((n * c) + j * groups + i) * hw + k] = x[((n * c) + i * (c / groups) + j) * hw + k];
        try (var f = new BackendParityFixtures(backend())) {
            Tensor tx = f.tensor(shape, x, true), y = f.output(shape, true), back = f.output(shape, false);
            f.backend().channelShuffle(tx, groups, y);
            assertClose("shuffled", expected, f.get(y), 0);
            f.backend().channelShuffle(y, c / groups, back);
            assertArrayEquals(x, f.get(back), "shuffle with C/groups groups undoes it");
            var e = assertThrows(IllegalArgumentException.class, () -> f.backend().channelShuffle(tx, 4, y));
            assertTrue(e.getMessage().contains("groups=4"), e.getMessage());
        }
    }

    /** Big enough that elementwise work is cut into pieces across the pool's threads (rows and parts of rows). */
    @Test
    public void largeOperandsSplitAcrossThreads() {
        Shape big = Shape.of(2, 3, 100, 101);
        int n = (int) big.numel();
        float[] x = Rand.uniform(81, n), y0 = Rand.uniform(82, n);
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) expected[i] = 0.25 * x[i] - 2.0 * y0[i];
        try (var f = new BackendParityFixtures(backend())) {
            for (boolean strided : new boolean[] {false, true}) {
                Tensor y = f.tensor(big, y0, strided);
                f.backend().addScaled(0.25f, f.tensor(big, x, strided), -2f, y);
                assertClose("large addScaled, strided=" + strided, expected, f.get(y), tol(1e-7));
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
