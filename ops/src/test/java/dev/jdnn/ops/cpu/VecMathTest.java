package dev.jdnn.ops.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static dev.jdnn.ops.cpu.Vec.L;
import static dev.jdnn.ops.cpu.Vec.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VecMath against float64 StrictMath (error in ulps of the float result), its special values, and its
 * reproducibility: the same bits before and after the JIT has compiled it.
 */
class VecMathTest {
    private static final int N = 1 << 14;

    private static float[] apply(UnaryOperator<FloatVector> f, float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += L) f.apply(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        return y;
    }

    private static float[] uniform(long seed, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) x[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return x;
    }

    /** The largest error of f over x in ulps of the exact result rounded to float. */
    private static double maxUlps(UnaryOperator<FloatVector> f, DoubleUnaryOperator exact, float[] x) {
        float[] y = apply(f, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double want = exact.applyAsDouble(x[i]);
            double ulps = Math.abs(y[i] - want) / Math.ulp((float) want);
            assertTrue(Double.isFinite(ulps), "x = " + x[i] + ": got " + y[i] + ", want " + want);
            worst = Math.max(worst, ulps);
        }
        return worst;
    }

    @Test
    void expIsWithinTwoUlpsOverItsNormalRange() {
        assertTrue(maxUlps(VecMath::exp, StrictMath::exp, uniform(1, -86.5, 88.7)) <= 2);
        assertTrue(maxUlps(VecMath::exp, StrictMath::exp, uniform(2, -1, 1)) <= 2);
    }

    @Test
    void logIsWithinTwoUlpsIncludingSubnormals() {
        assertTrue(maxUlps(VecMath::log, StrictMath::log, uniform(3, 1e-3, 100)) <= 2);
        assertTrue(maxUlps(VecMath::log, StrictMath::log, uniform(4, 0.5, 2)) <= 2);
        float[] tiny = uniform(5, 1e-44, 1e-38); // subnormal and just-normal
        assertTrue(maxUlps(VecMath::log, StrictMath::log, tiny) <= 2);
    }

    @Test
    void tanhIsWithinTwoUlpsOnBothSidesOfTheBranchPoint() {
        assertTrue(maxUlps(VecMath::tanh, StrictMath::tanh, uniform(6, -0.625, 0.625)) <= 2);
        assertTrue(maxUlps(VecMath::tanh, StrictMath::tanh, uniform(7, -12, 12)) <= 2);
    }

    @Test
    void specialValues() {
        float[] x = new float[L];
        float[] in = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -1f, 100f, -100f, -0f};
        for (int i = 0; i < L; i++) x[i] = in[i % in.length];
        float[] e = apply(VecMath::exp, x), l = apply(VecMath::log, x), t = apply(VecMath::tanh, x);
        // exp: NaN, +inf, 0, 1, 1/e, +inf (overflow), 0 (underflow), 1
        assertTrue(Float.isNaN(e[0]));
        assertEquals(Float.POSITIVE_INFINITY, e[1]);
        assertEquals(0f, e[2]);
        assertEquals(1f, e[3]);
        assertEquals(Math.exp(-1), e[4], 1e-7);
        assertEquals(Float.POSITIVE_INFINITY, e[5]);
        assertEquals(0f, e[6]);
        // log: NaN, +inf, NaN, -inf, NaN (negative), ln 100, NaN, -inf
        assertTrue(Float.isNaN(l[0]) && Float.isNaN(l[2]) && Float.isNaN(l[4]) && Float.isNaN(l[6]));
        assertEquals(Float.POSITIVE_INFINITY, l[1]);
        assertEquals(Float.NEGATIVE_INFINITY, l[3]);
        assertEquals(Float.NEGATIVE_INFINITY, l[7]);
        assertEquals(Math.log(100), l[5], 1e-6);
        // tanh saturates to exactly ±1 and passes NaN through
        assertTrue(Float.isNaN(t[0]));
        assertEquals(1f, t[1]);
        assertEquals(-1f, t[2]);
        assertEquals(0f, t[3]);
        assertEquals(1f, t[5]);
        assertEquals(-1f, t[6]);
    }

    /**
     * The property VecMath exists for: the first (interpreted) calls and calls after the JIT has had thousands of
     * invocations to compile them give the same bits. The Vector API's EXP fails this once C2 intrinsifies it.
     */
    @Test
    void sameBitsColdAndWarm() {
        float[] x = uniform(8, -20, 20), xPos = uniform(9, 1e-3, 50);
        float[] e = apply(VecMath::exp, x), l = apply(VecMath::log, xPos), t = apply(VecMath::tanh, x);
        for (int rep = 0; rep < 30; rep++) {
            apply(VecMath::exp, x);
            apply(VecMath::log, xPos);
            apply(VecMath::tanh, x);
        }
        assertBits(e, apply(VecMath::exp, x), "exp");
        assertBits(l, apply(VecMath::log, xPos), "log");
        assertBits(t, apply(VecMath::tanh, x), "tanh");
    }

    private static void assertBits(float[] cold, float[] warm, String what) {
        for (int i = 0; i < cold.length; i++) {
            assertEquals(Float.floatToRawIntBits(cold[i]), Float.floatToRawIntBits(warm[i]), what + " element " + i + ": cold " + cold[i] + ", warm " + warm[i]);
        }
    }

    /** Vec's reductions, likewise: the same total cold and after compilation (reduceLanes(ADD) has no fixed order). */
    @Test
    void reductionsGiveTheSameBitsColdAndWarm() {
        try (Arena arena = Arena.ofConfined()) {
            float[] data = uniform(10, -1, 1);
            MemorySegment seg = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_FLOAT, data);
            double sum = Vec.sum(seg, 0, N), sq = Vec.sumSquaredDeviations(seg, 0, N, 0.1f), dot = Vec.dotCentered(seg, 0, seg, 0, N, 0.2f);
            for (int rep = 0; rep < 300; rep++) {
                Vec.sum(seg, 0, N);
                Vec.sumSquaredDeviations(seg, 0, N, 0.1f);
                Vec.dotCentered(seg, 0, seg, 0, N, 0.2f);
            }
            assertEquals(Double.doubleToRawLongBits(sum), Double.doubleToRawLongBits(Vec.sum(seg, 0, N)), "sum");
            assertEquals(Double.doubleToRawLongBits(sq), Double.doubleToRawLongBits(Vec.sumSquaredDeviations(seg, 0, N, 0.1f)), "sum of squared deviations");
            assertEquals(Double.doubleToRawLongBits(dot), Double.doubleToRawLongBits(Vec.dotCentered(seg, 0, seg, 0, N, 0.2f)), "centred dot");
        }
    }
}
