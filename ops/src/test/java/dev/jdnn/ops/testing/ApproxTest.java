package dev.jdnn.ops.testing;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import static org.junit.jupiter.api.Assertions.*;

/** The tolerance check the contracts use: its measure, zero references, and how non-finite values are reported. */
class ApproxTest {
    @Test
    void errorIsTheLargestDifferenceOverTheLargestExpectedMagnitude() {
        assertEquals(0.01 / 4, Approx.relativeError(new double[]{4, -1, 0}, new double[]{4, -1, 0.01}), 1e-15);
        Approx.assertClose("near", new double[]{4, -1, 0}, new double[]{4.00001, -1, 1e-6}, 1e-5);
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Approx.assertClose("far", new double[]{4, -1, 0}, new double[]{4, -1, 0.01}, 1e-3));
        assertTrue(e.getMessage().contains("worst at index 2: expected 0.0, got 0.01"), e.getMessage());
    }

    @Test
    void anAllZeroReferenceIsAnAbsoluteCheck() {
        Approx.assertClose("zeros", new double[]{0, 0}, new double[]{0, -0.0}, 0);
        assertEquals(3e-8 / 1e-12, Approx.relativeError(new double[]{0, 0}, new double[]{3e-8, 0}), 1e-3);
    }

    @Test
    void aNonFiniteActualIsNamedNotReportedAsAnInfiniteRelativeError() {
        // The GPU softmax failure read "relative error Infinity ... worst element differs by 3e-8": a NaN elsewhere.
        double[] expected = {0.5, 0.25, 0.25, 1e-3};
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Approx.assertClose("softmax", expected, new float[]{0.5f, Float.NaN, 0.25f, 1e-3f + 3e-8f}, 1e-5));
        assertTrue(e.getMessage().contains("element 1 is NaN where 0.25 was expected (1 of 4 elements"), e.getMessage());
        assertEquals(Double.POSITIVE_INFINITY, Approx.relativeError(expected, new double[]{0.5, 0.25, Double.POSITIVE_INFINITY, 1e-3}));
        assertThrows(AssertionFailedError.class, () -> Approx.assertClose("NaN expected", new double[]{Double.NaN}, new double[]{0}, 1));
    }

    @Test
    void theSameNonFiniteValueOnBothSidesAgrees() {
        Approx.assertClose("nan", new double[]{Double.NaN, 1, Double.NEGATIVE_INFINITY}, new double[]{Double.NaN, 1, Double.NEGATIVE_INFINITY}, 0);
        assertThrows(AssertionFailedError.class,
                () -> Approx.assertClose("signs", new double[]{Double.NEGATIVE_INFINITY}, new double[]{Double.POSITIVE_INFINITY}, 1));
    }
}
