package dev.jdnn.ops.cpu;

import dev.jdnn.ops.Activation;

/**
 * Scalar definitions of every activation and its derivative, with PyTorch's conventions at the kinks:
 * ReLU'(0) = 0, ReLU6' = 0 at 0 and 6, LeakyReLU'(0) = slope, hardsigmoid' = 1/6 only strictly inside (-3, 3),
 * hardswish' = 0 below -3, x/3 + 1/2 on [-3, 3], 1 above.
 */
final class ActivationMath {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double INV_SQRT_2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private ActivationMath() {}

    static float apply(Activation kind, float p, float x) {
        return switch (kind) {
            case IDENTITY -> x;
            case RELU -> Math.max(x, 0f);
            case RELU6 -> Math.min(Math.max(x, 0f), 6f);
            case LEAKY_RELU -> x > 0 ? x : x * p;
            case SIGMOID -> (float) sigmoid(x);
            case TANH -> (float) Math.tanh(x);
            case SILU -> (float) (x * sigmoid(x));
            case HARD_SIGMOID -> Math.min(Math.max(x + 3f, 0f), 6f) / 6f;
            case HARD_SWISH -> x * Math.min(Math.max(x + 3f, 0f), 6f) / 6f;
            case GELU_TANH -> (float) (0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))));
            case GELU_ERF -> (float) (x * normalCdf(x));
        };
    }

    /** f'(x); y = f(x) is passed for the activations whose derivative is cheapest from it. */
    static float derivative(Activation kind, float p, float x, float y) {
        return switch (kind) {
            case IDENTITY -> 1f;
            case RELU -> x > 0 ? 1f : 0f;
            case RELU6 -> x > 0 && x < 6 ? 1f : 0f;
            case LEAKY_RELU -> x > 0 ? 1f : p;
            case SIGMOID -> y * (1 - y);
            case TANH -> 1 - y * y;
            case SILU -> {
                double s = sigmoid(x);
                yield (float) (s * (1 + x * (1 - s)));
            }
            case HARD_SIGMOID -> x > -3f && x < 3f ? 1f / 6f : 0f;
            case HARD_SWISH -> x < -3f ? 0f : x <= 3f ? x / 3f + 0.5f : 1f;
            case GELU_TANH -> {
                double inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
                double t = Math.tanh(inner);
                yield (float) (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x));
            }
            case GELU_ERF -> (float) (normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x));
        };
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** Φ(x) = erfc(-x/√2)/2, accurate in relative terms far into the lower tail. */
    static double normalCdf(double x) {
        return 0.5 * erfc(-x * INV_SQRT_2);
    }

    /** Complementary error function, Chebyshev fit with fractional error below 1.2e-7 everywhere (Numerical Recipes). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
