package dev.jdnn.ops.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Tolerance checks. The error measure is max_i |actual_i - expected_i| / max(max_i |expected_i|, floor): every
 * element is allowed the same absolute error, tolerance x the largest expected magnitude, so entries near zero are
 * judged on the scale of the whole result rather than relative to themselves (a reference of exactly 0 needs no
 * special case). Non-finite values are never within tolerance: an actual NaN or infinity where the reference is
 * finite (or the reverse) fails with the element named; the same non-finite value on both sides agrees.
 */
public final class Approx {
    /** The scale used when every expected value is (near) zero: then the tolerance is an absolute one. */
    private static final double FLOOR = 1e-12;

    private Approx() {}

    public static double relativeError(double[] expected, float[] actual) {
        return relativeError(expected, Rand.toDouble(actual));
    }

    /** The measure above; +infinity when some element is non-finite on one side only. */
    public static double relativeError(double[] expected, double[] actual) {
        if (expected.length != actual.length) throw new AssertionError("lengths differ: expected " + expected.length + ", got " + actual.length);
        if (firstNonFiniteMismatch(expected, actual) >= 0) return Double.POSITIVE_INFINITY;
        double scale = FLOOR, worst = 0;
        for (double e : expected) if (Double.isFinite(e)) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, difference(expected[i], actual[i]));
        return worst / scale;
    }

    public static void assertClose(String what, double[] expected, float[] actual, double tolerance) {
        assertClose(what, expected, Rand.toDouble(actual), tolerance);
    }

    public static void assertClose(String what, double[] expected, double[] actual, double tolerance) {
        int bad = firstNonFiniteMismatch(expected, actual);
        if (bad >= 0) {
            fail(what + ": element " + bad + " is " + actual[bad] + " where " + expected[bad] + " was expected (" + count(expected, actual)
                    + " of " + expected.length + " elements non-finite on one side only)");
        }
        double err = relativeError(expected, actual);
        if (err <= tolerance) return;
        int worst = 0;
        for (int i = 1; i < expected.length; i++) {
            if (difference(expected[i], actual[i]) > difference(expected[worst], actual[worst])) worst = i;
        }
        fail(what + ": error " + err + " (max |actual - expected| / max |expected|) exceeds " + tolerance + " (worst at index " + worst
                + ": expected " + expected[worst] + ", got " + actual[worst] + ")");
    }

    public static void assertClose(String what, float[] expected, float[] actual, double tolerance) {
        assertClose(what, Rand.toDouble(expected), actual, tolerance);
    }

    /** |a - e| for finite values; 0 for the same non-finite value on both sides. */
    private static double difference(double e, double a) {
        if (!Double.isFinite(e) || !Double.isFinite(a)) return 0; // mismatches were rejected before
        return Math.abs(a - e);
    }

    private static boolean nonFiniteMismatch(double e, double a) {
        if (Double.isFinite(e) && Double.isFinite(a)) return false;
        return !(Double.compare(e, a) == 0); // NaN == NaN and equal infinities agree
    }

    private static int firstNonFiniteMismatch(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) if (nonFiniteMismatch(expected[i], actual[i])) return i;
        return -1;
    }

    private static int count(double[] expected, double[] actual) {
        int n = 0;
        for (int i = 0; i < expected.length; i++) if (nonFiniteMismatch(expected[i], actual[i])) n++;
        return n;
    }
}
