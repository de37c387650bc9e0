package dev.jdnn.ops.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Tolerance checks. The error measure is max_i |actual_i - expected_i| / max(max_i |expected_i|, floor): relative to
 * the largest expected magnitude, so entries near zero are judged on the scale of the whole result.
 */
public final class Approx {
    private Approx() {}

    public static double relativeError(double[] expected, float[] actual) {
        return relativeError(expected, Rand.toDouble(actual));
    }

    public static double relativeError(double[] expected, double[] actual) {
        if (expected.length != actual.length) throw new AssertionError("lengths differ: expected " + expected.length + ", got " + actual.length);
        double scale = 1e-12, worst = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            if (!(d <= worst)) worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
        }
        return worst / scale;
    }

    public static void assertClose(String what, double[] expected, float[] actual, double tolerance) {
        assertClose(what, expected, Rand.toDouble(actual), tolerance);
    }

    public static void assertClose(String what, double[] expected, double[] actual, double tolerance) {
        double err = relativeError(expected, actual);
        if (err <= tolerance) return;
        int worst = 0;
        for (int i = 1; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= Math.abs(actual[worst] - expected[worst]))) worst = i;
        }
        fail(what + ": relative error " + err + " exceeds " + tolerance + " (worst at index " + worst + ": expected "
                + expected[worst] + ", got " + actual[worst] + ")");
    }

    public static void assertClose(String what, float[] expected, float[] actual, double tolerance) {
        assertClose(what, Rand.toDouble(expected), actual, tolerance);
    }
}
