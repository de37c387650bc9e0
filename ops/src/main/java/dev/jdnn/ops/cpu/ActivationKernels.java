package dev.jdnn.ops.cpu;

import dev.jdnn.ops.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.lang.foreign.MemorySegment;

import static dev.jdnn.ops.cpu.Vec.L;
import static dev.jdnn.ops.cpu.Vec.S;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;

/**
 * Vector loops applying every activation f, or its derivative f', with PyTorch's conventions at the kinks:
 * ReLU'(0) = 0, ReLU6' = 0 at 0 and 6, LeakyReLU'(0) = slope, hardsigmoid' = 1/6 only strictly inside (-3, 3),
 * hardswish' = 0 below -3, x/3 + 1/2 on [-3, 3], 1 above. Transcendentals use {@link VecMath} (exp, tanh built
 * from exact lane operations, so results are the same bits interpreted or C2-compiled — the Vector API's
 * lanewise EXP/TANH are not); erf is a Chebyshev fit of erfc (fractional error ~1.2e-7).
 */
final class ActivationKernels {
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
    private static final float INV_SQRT_2 = (float) (1 / Math.sqrt(2));
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    private static final float GELU_C = 0.044715f;

    private ActivationKernels() {}

    // One loop method per activation, chosen once per run. A single loop switching per vector merges the vectors of
    // all kinds at one point, and one method holding every loop exhausts C2's inlining budget; either way C2 ends up
    // boxing vectors and the kinds compiled last run ~8x slower.

    /** y = alpha*f(x) + beta*y over n elements, n a multiple of the vector length; beta == 0 never reads y. */
    static void forward(Activation kind, float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        switch (kind) {
            case IDENTITY -> identityForward(slope, xs, xo, ys, yo, n, alpha, beta);
            case RELU -> reluForward(slope, xs, xo, ys, yo, n, alpha, beta);
            case RELU6 -> relu6Forward(slope, xs, xo, ys, yo, n, alpha, beta);
            case LEAKY_RELU -> leakyReluForward(slope, xs, xo, ys, yo, n, alpha, beta);
            case SIGMOID -> sigmoidForward(slope, xs, xo, ys, yo, n, alpha, beta);
            case TANH -> tanhForward(slope, xs, xo, ys, yo, n, alpha, beta);
            case SILU -> siluForward(slope, xs, xo, ys, yo, n, alpha, beta);
            case HARD_SIGMOID -> hardSigmoidForward(slope, xs, xo, ys, yo, n, alpha, beta);
            case HARD_SWISH -> hardSwishForward(slope, xs, xo, ys, yo, n, alpha, beta);
            case GELU_TANH -> geluTanhForward(slope, xs, xo, ys, yo, n, alpha, beta);
            case GELU_ERF -> geluErfForward(slope, xs, xo, ys, yo, n, alpha, beta);
        }
    }

    /**
     * dx = alpha*f'(x)*dy + beta*dx over n elements, n a multiple of the vector length. Sigmoid and tanh take f' from
     * y = f(x); the others from x.
     */
    static void backward(Activation kind, float slope, MemorySegment xs, long xo, MemorySegment ys, long yo,
                         MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        switch (kind) {
            case IDENTITY -> identityBackward(slope, xs, xo, ys, yo, gs, go, ds, dO, n, alpha, beta);
            case RELU -> reluBackward(slope, xs, xo, ys, yo, gs, go, ds, dO, n, alpha, beta);
            case RELU6 -> relu6Backward(slope, xs, xo, ys, yo, gs, go, ds, dO, n, alpha, beta);
            case LEAKY_RELU -> leakyReluBackward(slope, xs, xo, ys, yo, gs, go, ds, dO, n, alpha, beta);
            case SIGMOID -> sigmoidBackward(slope, xs, xo, ys, yo, gs, go, ds, dO, n, alpha, beta);
            case TANH -> tanhBackward(slope, xs, xo, ys, yo, gs, go, ds, dO, n, alpha, beta);
            case SILU -> siluBackward(slope, xs, xo, ys, yo, gs, go, ds, dO, n, alpha, beta);
            case HARD_SIGMOID -> hardSigmoidBackward(slope, xs, xo, ys, yo, gs, go, ds, dO, n, alpha, beta);
            case HARD_SWISH -> hardSwishBackward(slope, xs, xo, ys, yo, gs, go, ds, dO, n, alpha, beta);
            case GELU_TANH -> geluTanhBackward(slope, xs, xo, ys, yo, gs, go, ds, dO, n, alpha, beta);
            case GELU_ERF -> geluErfBackward(slope, xs, xo, ys, yo, gs, go, ds, dO, n, alpha, beta);
        }
    }

    private static void identityForward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ys, yo + i, Vec.load(xs, xo + i), alpha, beta);
    }

    private static void reluForward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ys, yo + i, Vec.load(xs, xo + i).max(0f), alpha, beta);
    }

    private static void relu6Forward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ys, yo + i, Vec.load(xs, xo + i).max(0f).min(6f), alpha, beta);
    }

    private static void leakyReluForward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ys, yo + i, leakyRelu(Vec.load(xs, xo + i), slope), alpha, beta);
    }

    private static void sigmoidForward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ys, yo + i, sigmoid(Vec.load(xs, xo + i)), alpha, beta);
    }

    private static void tanhForward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ys, yo + i, VecMath.tanh(Vec.load(xs, xo + i)), alpha, beta);
    }

    private static void siluForward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ys, yo + i, silu(Vec.load(xs, xo + i)), alpha, beta);
    }

    private static void hardSigmoidForward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ys, yo + i, hardSigmoid(Vec.load(xs, xo + i)), alpha, beta);
    }

    private static void hardSwishForward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ys, yo + i, hardSwish(Vec.load(xs, xo + i)), alpha, beta);
    }

    private static void geluTanhForward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ys, yo + i, geluTanh(Vec.load(xs, xo + i)), alpha, beta);
    }

    private static void geluErfForward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ys, yo + i, geluErf(Vec.load(xs, xo + i)), alpha, beta);
    }

    private static void identityBackward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ds, dO + i, Vec.load(gs, go + i), alpha, beta);
    }

    private static void reluBackward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        // dy where x > 0 (also at x = +inf, as PyTorch's threshold_backward), 0 elsewhere
        for (int i = 0; i < n; i += L) out(ds, dO + i, FloatVector.zero(S).blend(Vec.load(gs, go + i), Vec.load(xs, xo + i).compare(GT, 0f)), alpha, beta);
    }

    private static void relu6Backward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ds, dO + i, gate(Vec.load(xs, xo + i), 0f, 6f, Vec.load(gs, go + i)), alpha, beta);
    }

    private static void leakyReluBackward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ds, dO + i, leakyReluDerivative(Vec.load(xs, xo + i), slope).mul(Vec.load(gs, go + i)), alpha, beta);
    }

    private static void sigmoidBackward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ds, dO + i, sigmoidDerivative(Vec.load(ys, yo + i)).mul(Vec.load(gs, go + i)), alpha, beta);
    }

    private static void tanhBackward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ds, dO + i, tanhDerivative(Vec.load(ys, yo + i)).mul(Vec.load(gs, go + i)), alpha, beta);
    }

    private static void siluBackward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ds, dO + i, siluDerivative(Vec.load(xs, xo + i)).mul(Vec.load(gs, go + i)), alpha, beta);
    }

    private static void hardSigmoidBackward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ds, dO + i, gate(Vec.load(xs, xo + i), -3f, 3f, Vec.load(gs, go + i)).mul(1f / 6f), alpha, beta);
    }

    private static void hardSwishBackward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ds, dO + i, hardSwishDerivative(Vec.load(xs, xo + i)).mul(Vec.load(gs, go + i)), alpha, beta);
    }

    private static void geluTanhBackward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ds, dO + i, geluTanhDerivative(Vec.load(xs, xo + i)).mul(Vec.load(gs, go + i)), alpha, beta);
    }

    private static void geluErfBackward(float slope, MemorySegment xs, long xo, MemorySegment ys, long yo, MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        for (int i = 0; i < n; i += L) out(ds, dO + i, geluErfDerivative(Vec.load(xs, xo + i)).mul(Vec.load(gs, go + i)), alpha, beta);
    }

    /** dst = alpha*v + beta*dst; beta == 0 never reads dst. */
    private static void out(MemorySegment dst, long at, FloatVector v, float alpha, float beta) {
        v = v.mul(alpha);
        Vec.store(beta == 0f ? v : Vec.load(dst, at).fma(FloatVector.broadcast(S, beta), v), dst, at);
    }

    /** dy strictly inside (lo, hi), 0 elsewhere (0 at the kinks, as PyTorch). */
    private static FloatVector gate(FloatVector x, float lo, float hi, FloatVector dy) {
        return FloatVector.zero(S).blend(dy, x.compare(GT, lo).and(x.compare(LT, hi)));
    }

    private static FloatVector leakyRelu(FloatVector x, float slope) {
        return x.blend(x.mul(slope), x.compare(LE, 0f));
    }

    private static FloatVector leakyReluDerivative(FloatVector x, float slope) {
        return FloatVector.broadcast(S, slope).blend(1f, x.compare(GT, 0f));
    }

    private static FloatVector silu(FloatVector x) {
        return x.mul(sigmoid(x));
    }

    private static FloatVector hardSigmoid(FloatVector x) {
        return x.add(3f).max(0f).min(6f).div(6f);
    }

    private static FloatVector hardSwish(FloatVector x) {
        return x.mul(x.add(3f).max(0f).min(6f)).div(6f);
    }

    private static FloatVector geluErf(FloatVector x) {
        return x.mul(normalCdf(x));
    }

    private static FloatVector sigmoidDerivative(FloatVector y) {
        return y.mul(y.neg().add(1f));
    }

    private static FloatVector tanhDerivative(FloatVector y) {
        return y.mul(y).neg().add(1f);
    }

    private static FloatVector siluDerivative(FloatVector x) {
        FloatVector s = sigmoid(x);
        return s.mul(x.mul(s.neg().add(1f)).add(1f));
    }

    private static FloatVector hardSwishDerivative(FloatVector x) {
        return x.div(3f).add(0.5f).blend(0f, x.compare(LT, -3f)).blend(1f, x.compare(GT, 3f));
    }

    private static FloatVector geluTanh(FloatVector x) {
        return x.mul(0.5f).mul(VecMath.tanh(geluTanhInner(x)).add(1f));
    }

    private static FloatVector geluTanhDerivative(FloatVector x) {
        FloatVector t = VecMath.tanh(geluTanhInner(x));
        FloatVector dInner = x.mul(x).mul(3 * GELU_C).add(1f).mul(SQRT_2_OVER_PI);
        return t.add(1f).mul(0.5f).add(x.mul(0.5f).mul(t.mul(t).neg().add(1f)).mul(dInner));
    }

    private static FloatVector geluErfDerivative(FloatVector x) {
        return normalCdf(x).add(x.mul(VecMath.exp(x.mul(x).mul(-0.5f))).mul(INV_SQRT_2PI));
    }

    /** 1 / (1 + e^-x): e^-x overflows to +inf for very negative x, giving exactly 0, never NaN. */
    private static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(VecMath.exp(x.neg()).add(1f));
    }

    private static FloatVector geluTanhInner(FloatVector x) {
        return x.mul(x).mul(x).mul(GELU_C).add(x).mul(SQRT_2_OVER_PI);
    }

    /** Φ(x) = erfc(-x/√2) / 2. */
    private static FloatVector normalCdf(FloatVector x) {
        return erfc(x.mul(-INV_SQRT_2)).mul(0.5f);
    }

    /** Numerical Recipes' erfcc: t = 1/(1 + z/2), erfc(z) = t·exp(-z² + P(t)) for z ≥ 0, 2 - erfc(-z) below. */
    private static FloatVector erfc(FloatVector a) {
        FloatVector z = a.abs();
        FloatVector t = z.mul(0.5f).add(1f);
        t = FloatVector.broadcast(S, 1f).div(t);
        FloatVector p = t.mul(0.17087277f).add(-0.82215223f);
        p = t.mul(p).add(1.48851587f);
        p = t.mul(p).add(-1.13520398f);
        p = t.mul(p).add(0.27886807f);
        p = t.mul(p).add(-0.18628806f);
        p = t.mul(p).add(0.09678418f);
        p = t.mul(p).add(0.37409196f);
        p = t.mul(p).add(1.00002368f);
        p = t.mul(p).add(-1.26551223f);
        FloatVector r = t.mul(VecMath.exp(z.mul(z).neg().add(p)));
        VectorMask<Float> nonNegative = a.compare(GE, 0f);
        return FloatVector.broadcast(S, 2f).sub(r).blend(r, nonNegative);
    }
}
