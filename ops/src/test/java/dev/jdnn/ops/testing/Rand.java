package dev.jdnn.ops.testing;

import java.util.SplittableRandom;

/** Seeded random test data. Values are float32 so float64 references see exactly what the backend sees. */
public final class Rand {
    private Rand() {}

    public static float[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return out;
    }

    public static float[] uniform(long seed, int n) {
        return uniform(seed, n, -1, 1);
    }

    public static float[] gaussian(long seed, int n, double mean, double std) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble(), v = r.nextDouble();
            out[i] = (float) (mean + std * Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v));
        }
        return out;
    }

    public static int[] labels(long seed, int n, int classes) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = r.nextInt(classes);
        return out;
    }

    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
