package dev.jdnn.ops.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;

import static dev.jdnn.ops.cpu.Vec.S;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.LT;

/**
 * exp, log and tanh on float vectors built only from IEEE-exact lane operations (add, mul, fma, div, compares,
 * bit moves), so each lane's result is the same bits however the code runs. The Vector API's own
 * {@code lanewise(EXP/LOG/TANH)} are not: compiled by C2 they call SVML-style stubs, while the interpreter, C1 and
 * code C2 has not (yet) intrinsified compute {@code (float) Math.exp(x)} per lane. Those differ in the last bit for
 * a few percent of inputs, which made seeded training depend on how warm the JIT was (the first model trained in a
 * JVM gave other losses than later ones). Accuracy: within 2 ulp of the correctly rounded float result (Cephes'
 * single-precision range reductions and polynomials).
 */
final class VecMath {
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split so that n * LN2_HI is exact for |n| <= 2^9 (Cody-Waite). */
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** Adding 1.5 * 2^23 rounds a float of magnitude below 2^22 to the nearest integer, kept in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    /** exp's domain with a normal result (2^-125 and up) and no overflow; outside it gives 0 or +infinity. */
    private static final float EXP_MIN = -86.6f, EXP_MAX = 88.72283f;
    private static final float SQRT2 = 1.41421356237f;
    private static final float TWO_POW_23 = 8388608f;

    private VecMath() {}

    /** e^x; 0 below -86.6 (where e^x would be subnormal), +inf above 88.72, NaN for NaN. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = xc.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUNDER));
        FloatVector n = t.sub(ROUNDER); // round(x log2 e), exactly
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r); // |r| <= ln2 / 2
        FloatVector p = r.fma(FloatVector.broadcast(S, 1.9875691500e-4f), FloatVector.broadcast(S, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
        FloatVector er = p.mul(r).fma(r, r).add(1f); // e^r = 1 + r + r² p(r)
        // 2^(n-1) from its bits: n's integer value sits in t's low bits; n in [-125, 128] keeps the exponent normal.
        IntVector biased = ((IntVector) t.reinterpretAsInts()).sub(ROUNDER_BITS - 126);
        FloatVector half2n = (FloatVector) biased.lanewise(LSHL, 23).reinterpretAsFloats();
        FloatVector y = er.mul(half2n).mul(2f);
        return y.blend(0f, x.compare(LT, EXP_MIN)).blend(Float.POSITIVE_INFINITY, x.compare(GT, EXP_MAX));
    }

    /** ln x; -inf at 0, NaN below 0 and for NaN, +inf at +inf; subnormal x is handled. */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(TWO_POW_23), subnormal);
        IntVector bits = (IntVector) xs.reinterpretAsInts();
        // x = m * 2^e with m in [1, 2), then m halved above √2 so that f = m - 1 is in [√½ - 1, √2 - 1].
        FloatVector e = (FloatVector) bits.lanewise(LSHR, 23).sub(127).convert(I2F, 0);
        e = e.blend(e.sub(23f), subnormal);
        FloatVector m = (FloatVector) bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
        VectorMask<Float> high = m.compare(GT, SQRT2);
        m = m.blend(m.mul(0.5f), high);
        e = e.blend(e.add(1f), high);
        FloatVector f = m.sub(1f), z = f.mul(f);
        FloatVector p = f.fma(FloatVector.broadcast(S, 7.0376836292e-2f), FloatVector.broadcast(S, -1.1514610310e-1f));
        p = p.fma(f, FloatVector.broadcast(S, 1.1676998740e-1f));
        p = p.fma(f, FloatVector.broadcast(S, -1.2420140846e-1f));
        p = p.fma(f, FloatVector.broadcast(S, 1.4249322787e-1f));
        p = p.fma(f, FloatVector.broadcast(S, -1.6668057665e-1f));
        p = p.fma(f, FloatVector.broadcast(S, 2.0000714765e-1f));
        p = p.fma(f, FloatVector.broadcast(S, -2.4999993993e-1f));
        p = p.fma(f, FloatVector.broadcast(S, 3.3333331174e-1f));
        FloatVector y = p.mul(f).mul(z); // ln(1 + f) = f - f²/2 + f³ p(f), plus e ln 2 (split as in exp)
        y = e.fma(FloatVector.broadcast(S, LN2_LO), y);
        y = z.fma(FloatVector.broadcast(S, -0.5f), y);
        y = f.add(y);
        y = e.fma(FloatVector.broadcast(S, LN2_HI), y);
        return y.blend(Float.NEGATIVE_INFINITY, x.compare(EQ, 0f))
                .blend(Float.NaN, x.compare(LT, 0f).or(x.test(IS_NAN)))
                .blend(Float.POSITIVE_INFINITY, x.compare(EQ, Float.POSITIVE_INFINITY));
    }

    /** tanh x: an odd polynomial below 0.625 in magnitude (where 1 - 2/(e^2x + 1) would cancel), that formula above. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector big = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(exp(a.mul(2f)).add(1f)));
        big = big.blend(big.neg(), x.compare(LT, 0f));
        FloatVector z = x.mul(x);
        FloatVector p = z.fma(FloatVector.broadcast(S, -5.70498872745e-3f), FloatVector.broadcast(S, 2.06390887954e-2f));
        p = p.fma(z, FloatVector.broadcast(S, -5.37397155531e-2f));
        p = p.fma(z, FloatVector.broadcast(S, 1.33314422036e-1f));
        p = p.fma(z, FloatVector.broadcast(S, -3.33332819422e-1f));
        FloatVector small = p.mul(z).fma(x, x);
        return small.blend(big, a.compare(GT, 0.625f));
    }
}
