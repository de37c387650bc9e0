package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;
import dev.jdnn.ops.TimeMarks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Time marks are CUDA events on the backend's stream: they time device work, and plans say what they run. */
@Tag("gpu")
class CudaTimeMarksTest {
    private static CudaBackend cuda;

    @BeforeAll
    static void start() {
        cuda = GpuTests.backendOrNull(false);
    }

    @BeforeEach
    void requireGpu() {
        GpuTests.assumeGpu();
    }

    @AfterAll
    static void stop() {
        if (cuda != null) cuda.close();
    }

    @Test
    void marksTimeTheWorkBetweenThemOnTheDevice() {
        int n = 4096;
        LinearSpec spec = new LinearSpec(n, n, n, false);
        try (LinearPlan gemm = cuda.linear(spec); Tensor a = cuda.allocate(spec.inputShape()); Tensor w = cuda.allocate(spec.weightShape());
             Tensor y = cuda.allocate(spec.outputShape()); TimeMarks marks = cuda.timeMarks(4)) {
            cuda.fill(a, 0.5f);
            cuda.fill(w, 0.25f);
            gemm.forward(1f, a, w, null, 0f, y); // warm-up
            cuda.synchronize();
            marks.record(0);
            gemm.forward(1f, a, w, null, 0f, y);
            marks.record(1);
            for (int i = 0; i < 4; i++) gemm.forward(1f, a, w, null, 0f, y);
            marks.record(2);
            long t0 = System.nanoTime();
            double one = marks.millis(0, 1), four = marks.millis(1, 2);
            double waited = (System.nanoTime() - t0) / 1e6;
            assertTrue(one > 0 && four > 2.5 * one && four < 6 * one, "one GEMM " + one + " ms, four " + four + " ms");
            assertTrue(waited < 1000, "reading the spans waited for the work: " + waited + " ms");
            assertTrue(assertThrows(IllegalStateException.class, () -> marks.millis(0, 3)).getMessage().contains("never recorded"));
            assertTrue(gemm.implementation().contains("CUBLAS_TF32_TENSOR_OP_MATH"), gemm.implementation());
        }
    }

    @Test
    void aConvolutionNamesTheAlgorithmOfEachDirection() {
        try (Conv2dPlan conv = cuda.conv2d(Conv2dSpec.of(Shape.of(8, 64, 28, 28), 64, 3, 1, 1, 1, 1, false))) {
            String s = conv.implementation();
            assertTrue(s.startsWith("cuDNN forward ") && s.contains("; backward data ") && s.contains("; backward filter "), s);
            assertTrue(s.contains("MATH") && s.contains("MiB"), s);
            assertEquals(-1, s.indexOf("algorithm "), "every chosen algorithm has a name: " + s);
        }
    }
}
