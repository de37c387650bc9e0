package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The softmax kernels' launch arguments checked against loss.cu without a GPU, for strided and contiguous rows. */
class SoftmaxArgsTest {
    private static final String SOURCE = KernelCache.source(KernelFile.LOSS);

    @Test
    void argumentsMatchTheKernelSignatures() {
        Shape s = Shape.of(7, 11);
        try (Tensor wide = Tensor.zerosHost(Shape.of(7, 14)); Tensor y = Tensor.zerosHost(s)) {
            Tensor x = wide.narrow(1, 1, 11); // a batch-strided view, as the contract's strided case
            Object[] f = CudaSoftmax.forwardArgs(s, true, x, y);
            KernelSignature.parse(SOURCE, Kernel.SOFTMAX_FORWARD.name()).check(f);
            assertArrayEquals(new Object[]{11, true, x, 14L, y, 11L}, f, "classes, log, x and its row stride, y and its row stride");
            Object[] b = CudaSoftmax.backwardArgs(s, false, 3f, y, x, -1f, x);
            KernelSignature.parse(SOURCE, Kernel.SOFTMAX_BACKWARD.name()).check(b);
            assertArrayEquals(new Object[]{11, false, 3f, y, 11L, x, 14L, -1f, x, 14L}, b);
        }
    }

    @Test
    void aSingleRowCountsAsContiguous() {
        try (Tensor wide = Tensor.zerosHost(Shape.of(1, 14))) {
            Tensor x = wide.narrow(1, 2, 11);
            assertEquals(11L, CudaSoftmax.forwardArgs(Shape.of(1, 11), false, x, x)[3]);
        }
    }
}
