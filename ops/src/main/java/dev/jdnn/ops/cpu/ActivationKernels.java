package dev.jdnn.ops.cpu;

import dev.jdnn.ops.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static dev.jdnn.ops.cpu.Vec.S;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;

/**
 * Every activation f and its derivative f' on float vectors, with PyTorch's conventions at the kinks:
 * ReLU'(0) = 0, ReLU6' = 0 at 0 and 6, LeakyReLU'(0) = slope, hardsigmoid' = 1/6 only strictly inside (-3, 3),
 * hardswish' = 0 below -3, x/3 + 1/2 on [-3, 3], 1 above. exp and tanh come from {@link VecMath} (bit-reproducible,
 * unlike the Vector API's EXP/TANH); erf is a Chebyshev fit of erfc (fractional error ~1.2e-7).
 */
final class ActivationKernels {
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
    private static final float INV_SQRT_2 = (float) (1 / Math.sqrt(2));
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    private static final float GELU_C = 0.044715f;

    private ActivationKernels() {}

    // Dispatch is a switch of one-line calls so that it stays small enough for the JIT to inline into the caller's
    // loop: a vector that crosses a call boundary which is not inlined gets boxed, which is ~100x slower.

    static FloatVector apply(Activation kind, float slope, FloatVector x) {
        return switch (kind) {
            case IDENTITY -> x;
            case RELU -> x.max(0f);
            case RELU6 -> x.max(0f).min(6f);
            case LEAKY_RELU -> leakyRelu(x, slope);
            case SIGMOID -> sigmoid(x);
            case TANH -> VecMath.tanh(x);
            case SILU -> x.mul(sigmoid(x));
            case HARD_SIGMOID -> x.add(3f).max(0f).min(6f).div(6f);
            case HARD_SWISH -> x.mul(x.add(3f).max(0f).min(6f)).div(6f);
            case GELU_TANH -> geluTanh(x);
            case GELU_ERF -> x.mul(normalCdf(x));
        };
    }

    /** f'(x); y = f(x) is used where it is the cheaper source (sigmoid, tanh) and may be null otherwise. */
    static FloatVector derivative(Activation kind, float slope, FloatVector x, FloatVector y) {
        return switch (kind) {
            case IDENTITY -> FloatVector.broadcast(S, 1f);
            case RELU -> step(x, 0f, Float.POSITIVE_INFINITY, 1f);
            case RELU6 -> step(x, 0f, 6f, 1f);
            case LEAKY_RELU -> leakyReluDerivative(x, slope);
            case SIGMOID -> y.mul(y.neg().add(1f));
            case TANH -> y.mul(y).neg().add(1f);
            case SILU -> siluDerivative(x);
            case HARD_SIGMOID -> step(x, -3f, 3f, 1f / 6f);
            case HARD_SWISH -> hardSwishDerivative(x);
            case GELU_TANH -> geluTanhDerivative(x);
            case GELU_ERF -> geluErfDerivative(x);
        };
    }

    /** {@code value} strictly inside (lo, hi), 0 elsewhere. */
    private static FloatVector step(FloatVector x, float lo, float hi, float value) {
        return FloatVector.zero(S).blend(value, x.compare(GT, lo).and(x.compare(LT, hi)));
    }

    private static FloatVector leakyRelu(FloatVector x, float slope) {
        return x.blend(x.mul(slope), x.compare(LE, 0f));
    }

    private static FloatVector leakyReluDerivative(FloatVector x, float slope) {
        return FloatVector.broadcast(S, slope).blend(1f, x.compare(GT, 0f));
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

    /** Whether f' needs y = f(x) (the backward may then be handed the forward output instead of recomputing). */
    static boolean usesOutput(Activation kind) {
        return kind == Activation.SIGMOID || kind == Activation.TANH;
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
