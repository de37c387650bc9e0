package dev.jdnn.ops.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * Test operands for the conv/linear plan tests: contiguous tensors or batch-strided views (a slice of dimension 1
 * of a bigger tensor, with sentinel values around it that must survive every call), float64 copies, and the
 * alpha/beta check every op goes through.
 */
final class TestTensors implements AutoCloseable {
    /** Extra entries of dimension 1 before and after a view's slice. */
    private static final int BEFORE = 2, AFTER = 1;

    private final Random rnd;
    private final List<Tensor> owners = new ArrayList<>();
    private final List<float[]> ownerContents = new ArrayList<>();
    private final List<Tensor> views = new ArrayList<>();

    TestTensors(long seed) {
        this.rnd = new Random(seed);
    }

    double[] random(long n) {
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextDouble() * 2 - 1); // exactly representable in float
        return v;
    }

    /** A tensor of this shape holding values; a batch-strided view into a bigger tensor when {@code view}. */
    Tensor tensor(Shape shape, double[] values, boolean view) {
        Tensor t;
        if (view && shape.rank() >= 2) {
            Tensor big = Tensor.allocate(dev.jdnn.memory.HostAllocator.global(), shape.with(1, shape.dim(1) + BEFORE + AFTER), dev.jdnn.memory.DType.FLOAT32);
            owners.add(big);
            float[] sentinel = new float[Math.toIntExact(big.numel())];
            Arrays.fill(sentinel, 12345f);
            big.copyFrom(sentinel);
            t = big.narrow(1, BEFORE, shape.dim(1));
            views.add(t);
        } else {
            t = Tensor.allocate(dev.jdnn.memory.HostAllocator.global(), shape, dev.jdnn.memory.DType.FLOAT32);
            owners.add(t);
        }
        t.copyFrom(toFloats(values));
        return t;
    }

    /** Fails if anything outside the views' slices changed (their sentinels). */
    void assertSentinelsIntact() {
        for (Tensor v : views) {
            for (Tensor o : owners) {
                if (o.buffer() != v.buffer()) continue;
                float[] all = o.toFloatArray();
                int inner = Math.toIntExact(o.sampleSize() / o.dim(1));
                for (int n = 0; n < o.dim(0); n++) {
                    for (int c = 0; c < o.dim(1); c++) {
                        if (c >= BEFORE && c < BEFORE + v.dim(1)) continue;
                        for (int i = 0; i < inner; i++) {
                            float got = all[(n * o.dim(1) + c) * inner + i];
                            assertEquals(12345f, got, "sentinel outside the view overwritten at sample " + n + ", entry " + c);
                        }
                    }
                }
            }
        }
    }

    /** What an op under test does: out = alpha * op(...) + beta * out. */
    @FunctionalInterface
    interface Op {
        void run(float alpha, float beta, Tensor out);
    }

    /**
     * Runs op twice and compares with ref: alpha 1, beta 0 over a NaN-filled output (old contents must be ignored),
     * then alpha 0.5, beta -1.5 over random contents. Tolerance: tol.applyAsDouble(|expected|).
     */
    void checkOp(String what, Shape outShape, boolean view, double[] ref, DoubleUnaryOperator tol, Op op) {
        double[] nan = new double[ref.length];
        Arrays.fill(nan, Double.NaN);
        Tensor out = tensor(outShape, nan, view);
        op.run(1f, 0f, out);
        assertClose(what + " (alpha 1, beta 0 over NaN)", ref, out.toFloatArray(), tol);

        double[] old = random(ref.length);
        Tensor acc = tensor(outShape, old, view);
        op.run(0.5f, -1.5f, acc);
        double[] expected = new double[ref.length];
        for (int i = 0; i < ref.length; i++) expected[i] = 0.5 * ref[i] - 1.5 * old[i];
        assertClose(what + " (alpha 0.5, beta -1.5)", expected, acc.toFloatArray(), tol);
        assertSentinelsIntact();
    }

    static void assertClose(String what, double[] expected, float[] got, DoubleUnaryOperator tol) {
        assertEquals(expected.length, got.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double t = tol.applyAsDouble(Math.abs(expected[i]));
            int at = i;
            assertTrue(Math.abs(got[i] - expected[i]) <= t, () -> what + ": element " + at + " is " + got[at] + ", expected " + expected[at] + " (tolerance " + t + ")");
        }
    }

    static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    /** Central finite differences of a scalar function of v (float64), perturbing v in place and restoring it. */
    static double[] gradient(double[] v, java.util.function.DoubleSupplier loss) {
        double h = 1e-3;
        double[] g = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            v[i] = keep + h;
            double plus = loss.getAsDouble();
            v[i] = keep - h;
            double minus = loss.getAsDouble();
            v[i] = keep;
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    @Override
    public void close() {
        for (Tensor t : owners) t.close();
    }
}
