package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cublas.cublas_h;
import dev.jdnn.ops.LinearSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * CudaLinear's cuBLAS arguments, run through a column-major SGEMM written from the BLAS definition (including
 * cuBLAS's leading-dimension requirements) on the row-major Java buffers exactly as the plan passes their pointers.
 * Catches a wrong transpose, operand order or leading dimension without a GPU.
 */
class CudaLinearGemmTest {
    /** C = alpha op(A) op(B) + beta C, column-major: element (i, j) of a matrix with leading dimension ld at i + j*ld. */
    private static void sgemm(CudaLinear.Gemm g, float alpha, float[] a, float[] b, float beta, float[] c) {
        // cuBLAS returns CUBLAS_STATUS_INVALID_VALUE unless lda >= max(1, transa ? k : m), ldb >= max(1, transb ? n : k), ldc >= max(1, m).
        assertTrue(g.lda() >= Math.max(1, g.transA() ? g.k() : g.m()), "lda too small: " + g);
        assertTrue(g.ldb() >= Math.max(1, g.transB() ? g.n() : g.k()), "ldb too small: " + g);
        assertTrue(g.ldc() >= Math.max(1, g.m()), "ldc too small: " + g);
        for (int i = 0; i < g.m(); i++)
            for (int j = 0; j < g.n(); j++) {
                float s = 0;
                for (int p = 0; p < g.k(); p++) {
                    float av = g.transA() ? a[p + i * g.lda()] : a[i + p * g.lda()];
                    float bv = g.transB() ? b[j + p * g.ldb()] : b[p + j * g.ldb()];
                    s += av * bv;
                }
                c[i + j * g.ldc()] = alpha * s + beta * c[i + j * g.ldc()];
            }
    }

    // The 2x3 example: batch 2, 3 inputs, 2 outputs. Row-major x[b][i], W[o][i], dy[b][o].
    private static final LinearSpec SPEC = new LinearSpec(2, 3, 2, false);
    private static final float[] X = {1, 2, 3,
                                      4, 5, 6};
    private static final float[] W = {1, 0, -1,
                                      2, 1, 0};
    private static final float[] DY = {1, -2,
                                       3, 0.5f};

    @Test
    void forwardIsXTimesWTransposed() {
        float[] y = new float[4];
        sgemm(CudaLinear.forwardGemm(SPEC, 3, 2), 1f, W, X, 0f, y);
        // y[b][o] = sum_i x[b][i] W[o][i]
        assertArrayEquals(new float[]{1 - 3, 2 + 2,
                                      4 - 6, 8 + 5}, y);
    }

    @Test
    void backwardDataIsDyTimesW() {
        float[] dx = new float[6];
        sgemm(CudaLinear.backwardDataGemm(SPEC, 2, 3), 1f, W, DY, 0f, dx);
        // dx[b][i] = sum_o dy[b][o] W[o][i]
        assertArrayEquals(new float[]{1 - 4, -2, -1,
                                      3 + 1, 0.5f, -3}, dx);
    }

    @Test
    void backwardWeightIsDyTransposedTimesXAndAccumulatesWithBetaOne() {
        float[] dw = {10, 10, 10, 10, 10, 10};
        sgemm(CudaLinear.backwardWeightGemm(SPEC, 3, 2), 1f, X, DY, 1f, dw);
        // dW[o][i] = sum_b dy[b][o] x[b][i] (+ the old 10)
        assertArrayEquals(new float[]{10 + 1 + 12, 10 + 2 + 15, 10 + 3 + 18,
                                      10 - 2 + 2, 10 - 4 + 2.5f, 10 - 6 + 3}, dw);
    }

    @Test
    void batchStridedRowsUseTheRowStrideAsLeadingDimension() {
        // x is columns 1..3 of a [2, 5] buffer (row stride 5); y is columns 0..1 of a [2, 4] buffer (row stride 4).
        float[] xWide = {9, 1, 2, 3, 9,
                         9, 4, 5, 6, 9};
        float[] yWide = {7, 7, 7, 7,
                         7, 7, 7, 7};
        float[] xView = java.util.Arrays.copyOfRange(xWide, 1, xWide.length); // the pointer CudaLinear passes: element 0 of the view
        sgemm(CudaLinear.forwardGemm(SPEC, 5, 4), 1f, W, xView, 0f, yWide);
        assertArrayEquals(new float[]{-2, 4, 7, 7,
                                      -2, 13, 7, 7}, yWide, "only the view's elements are written");
    }

    /** Every backend's handle reduces in float32 (the accumulator type), also for bfloat16/float16 outputs. */
    @Test
    void theMathModeNeverReducesInTheOutputType() {
        int disallow = cublas_h.CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION();
        assertEquals(16, disallow, "cublas_api.h's flag value");
        assertEquals(cublas_h.CUBLAS_PEDANTIC_MATH() | disallow, CudaLinear.cublasMathMode(true), "strict FP32");
        assertEquals(cublas_h.CUBLAS_TF32_TENSOR_OP_MATH() | disallow, CudaLinear.cublasMathMode(false), "TF32 allowed");
    }

    /** What a profile shows: the half types run GemmEx, not SGEMM. */
    @Test
    void theImplementationNamesTheGemmThatRuns() {
        assertEquals("cuBLAS SGEMM (CUBLAS_TF32_TENSOR_OP_MATH)", CudaLinear.implementation(dev.jdnn.memory.DType.FLOAT32, false));
        assertEquals("cuBLAS GemmEx (bfloat16 A and B, CUBLAS_COMPUTE_32F, CUBLAS_PEDANTIC_MATH)", CudaLinear.implementation(dev.jdnn.memory.DType.BFLOAT16, true));
    }
}
