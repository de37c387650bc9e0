package dev.jdnn.ops.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CpuGemm against a float64 triple loop. Tolerance per element: 1e-5 * sqrt(k) times the magnitude scale
 * |alpha| * sum_p |a_ip b_pj| + |beta c_ij| (the float32 rounding of a k-term sum grows like sqrt(k) of that).
 */
class CpuGemmTest {

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({
            "1, 1, 1",
            "7, 13, 5",
            "65, 33, 129",
            "130, 200, 300",   // several K blocks, more than one MC block, parallel split along N
            "300, 40, 300",    // taller than wide: parallel split along M
            "5, 70, 3"
    })
    void matchesFloat64ReferenceForAllTransposesAndScalings(int m, int n, int k) {
        Random rnd = new Random(m * 31L + n * 7L + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                check(rnd, ta, tb, m, n, k, 1f, 0f, true);      // beta = 0 over NaN: old C must be ignored
                check(rnd, ta, tb, m, n, k, -0.75f, 1.5f, false);
                check(rnd, ta, tb, m, n, k, 2f, 1f, false);     // pure accumulation
            }
        }
    }

    @Test
    void alphaZeroOrEmptyKOnlyScalesC() {
        Random rnd = new Random(3);
        check(rnd, false, false, 9, 11, 0, 1f, 0.5f, false);
        check(rnd, true, false, 9, 11, 6, 0f, 0.5f, false);
        check(rnd, false, true, 9, 11, 0, 1f, 0f, true);
    }

    /** Runs one case with padded leading dimensions and non-zero offsets, compares every element of C. */
    private static void check(Random rnd, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, boolean nanC) {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + 3, ldb = bCols + 2, ldc = n + 5;
        int aOff = 4, bOff = 1, cOff = 7;
        float[] a = random(rnd, aOff + Math.max(1, aRows) * lda);
        float[] b = random(rnd, bOff + Math.max(1, bRows) * ldb);
        float[] c = random(rnd, cOff + m * ldc);
        if (nanC) Arrays.fill(c, Float.NaN);
        float[] c0 = c.clone();

        CpuGemm.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);

        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0, scale = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += av * bv;
                    scale += Math.abs(av * bv);
                }
                double old = beta == 0f ? 0 : c0[cOff + i * ldc + j];
                double expected = alpha * sum + beta * old;
                double tol = 1e-5 * Math.sqrt(Math.max(1, k)) * (Math.abs(alpha) * scale + Math.abs(beta * old)) + 1e-30;
                double got = c[cOff + i * ldc + j];
                int row = i, col = j;
                assertTrue(Math.abs(got - expected) <= tol, () -> "ta=" + ta + " tb=" + tb + " " + m + "x" + n + "x" + k
                        + " alpha=" + alpha + " beta=" + beta + " at (" + row + ", " + col + "): got " + got + " expected " + expected);
            }
        }
        // Elements of C's memory outside the m x n window are untouched (the padding between rows, the offset).
        for (int e = 0; e < c.length; e++) {
            int rel = e - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside) assertEquals(Float.floatToRawIntBits(c0[e]), Float.floatToRawIntBits(c[e]), "C padding at " + e + " changed");
        }
    }

    @Test
    void rejectsTooSmallLeadingDimensionAndMemory() {
        float[] a = new float[12], b = new float[16], c = new float[9];
        IllegalArgumentException ld = assertThrows(IllegalArgumentException.class,
                () -> CpuGemm.sgemm(false, false, 3, 3, 4, 1f, a, 0, 3, b, 0, 3, 0f, c, 0, 3));
        assertTrue(ld.getMessage().contains("leading dimension of A is 3, must be >= 4"), ld.getMessage());
        IllegalArgumentException mem = assertThrows(IllegalArgumentException.class,
                () -> CpuGemm.sgemm(false, false, 3, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 4));
        assertTrue(mem.getMessage().contains("C (3 x 4, ld 4, offset 0) needs 12 floats but its memory holds 9"), mem.getMessage());
    }

    static float[] random(Random rnd, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) v[i] = rnd.nextFloat() * 2 - 1;
        return v;
    }
}
