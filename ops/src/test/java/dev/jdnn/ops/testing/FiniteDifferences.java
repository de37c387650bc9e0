package dev.jdnn.ops.testing;

import java.util.function.ToDoubleFunction;

/**
 * Central finite differences in float64: the reference gradient every backward is checked against. A test writes a
 * naive float64 forward, turns it into a scalar with {@link #weightedSum} (L = Σ y·r for a random r, so dL/dy = r
 * is the upstream gradient fed to the backend's backward), and differentiates it here.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {}

    /** dL/dx_i ≈ (L(x + h e_i) - L(x - h e_i)) / 2h for every i; x is restored afterwards. */
    public static double[] gradient(double[] x, ToDoubleFunction<double[]> loss, double h) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + h;
            double plus = loss.applyAsDouble(x);
            x[i] = keep - h;
            double minus = loss.applyAsDouble(x);
            x[i] = keep;
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    /**
     * For an elementwise function y_i = f(x_i): dL/dx_i = f'(x_i)·r_i with f' by central differences, the same
     * gradient {@link #gradient} gives for L = Σ f(x)·r without re-evaluating the whole array per element.
     */
    public static double[] pointwise(double[] x, java.util.function.DoubleUnaryOperator f, float[] r, double h) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) g[i] = (f.applyAsDouble(x[i] + h) - f.applyAsDouble(x[i] - h)) / (2 * h) * r[i];
        return g;
    }

    public static double weightedSum(double[] y, float[] r) {
        if (y.length != r.length) throw new IllegalArgumentException("lengths differ: " + y.length + " vs " + r.length);
        double s = 0;
        for (int i = 0; i < y.length; i++) s += y[i] * r[i];
        return s;
    }
}
