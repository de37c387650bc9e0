package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LrnSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The GPU-free half of CudaLrn: which specs cuDNN may run (its window is PyTorch's only for odd sizes, per
 * cudnn_ops.h) and that the lrn.cu launch arguments have the kinds the kernel source declares.
 */
class CudaLrnTest {
    private static final Shape NCHW = Shape.of(2, 6, 3, 3);

    @Test
    void cudnnRunsOddWindowsWithinItsLimitsOnly() {
        assertTrue(CudaLrn.usesCudnn(new LrnSpec(NCHW, 5, 1e-4, 0.75, 2.0)), "AlexNet's LRN");
        assertTrue(CudaLrn.usesCudnn(new LrnSpec(NCHW, 1, 1e-4, 0.75, 1.0)));
        assertTrue(CudaLrn.usesCudnn(new LrnSpec(NCHW, 15, 1e-4, 0.75, 1.0)));
        assertFalse(CudaLrn.usesCudnn(new LrnSpec(NCHW, 4, 1e-4, 0.75, 2.0)), "even: cuDNN looks one channel further ahead, PyTorch behind");
        assertFalse(CudaLrn.usesCudnn(new LrnSpec(NCHW, 2, 1e-4, 0.75, 2.0)));
        assertFalse(CudaLrn.usesCudnn(new LrnSpec(NCHW, 17, 1e-4, 0.75, 2.0)), "above CUDNN_LRN_MAX_N");
        assertFalse(CudaLrn.usesCudnn(new LrnSpec(NCHW, 5, 1e-4, 0.75, 0.0)), "k below CUDNN_LRN_MIN_K");
        assertFalse(CudaLrn.usesCudnn(new LrnSpec(NCHW, 5, 1e-4, 0.005, 2.0)), "beta below CUDNN_LRN_MIN_BETA");
    }

    @Test
    void kernelArgumentsMatchTheKernelSignatures() {
        LrnSpec spec = new LrnSpec(NCHW, 4, 0.5, 0.75, 2.0);
        try (Tensor x = Tensor.zerosHost(NCHW); Tensor y = Tensor.zerosHost(NCHW); Tensor dy = Tensor.zerosHost(NCHW)) {
            KernelSignature.parse(KernelCache.source(KernelFile.LRN), "lrn_forward").check(CudaLrn.forwardArgs(spec, 1f, x, 0f, y));
            KernelSignature.parse(KernelCache.source(KernelFile.LRN), "lrn_backward").check(CudaLrn.backwardArgs(spec, 1f, x, dy, 0f, y));
        }
    }

    @Test
    void kernelArgumentsCarryTheGeometryAndBatchStrides() {
        LrnSpec spec = new LrnSpec(NCHW, 4, 0.5, 0.75, 2.0);
        try (Tensor wide = Tensor.zerosHost(Shape.of(2, 10, 3, 3)); Tensor y = Tensor.zerosHost(NCHW)) {
            Tensor slice = wide.narrow(1, 2, 6); // 6 of 10 channels: batch stride 90, not 54
            Object[] a = CudaLrn.forwardArgs(spec, 1f, slice, 0f, y);
            assertEquals(NCHW.numel(), a[0]);
            assertEquals(6, a[1]);
            assertEquals(9L, a[2]);
            assertEquals(4, a[3]);
            assertEquals(0.125f, a[4]);
            assertEquals(0.75f, a[5]);
            assertEquals(2f, a[6]);
            assertEquals(90L, a[9], "x batch stride");
            assertEquals(54L, a[12], "y batch stride");
        }
    }
}
