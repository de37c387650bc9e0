package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The softmax kernels' launch arguments checked against loss.cu without a GPU, for strided and contiguous rows: the
 * input (and the input gradient) as a Ref in its storage type, the float32 output and output gradient with row strides.
 */
class SoftmaxArgsTest {
    private static final String SOURCE = KernelCache.source(KernelFile.LOSS);

    @Test
    void argumentsMatchTheKernelSignatures() {
        Shape s = Shape.of(7, 11);
        try (Tensor wide = Tensor.zerosHost(Shape.of(7, 14)); Tensor y = Tensor.zerosHost(s)) {
            Tensor x = wide.narrow(1, 1, 11); // a batch-strided view, as the contract's strided case
            Object[] f = CudaSoftmax.forwardArgs(s, true, x, y);
            KernelSignature.parse(SOURCE, Kernel.SOFTMAX_FORWARD.name()).check(f);
            assertArrayEquals(new Object[]{11, true, new KernelOperands.Ref(x.address(), 14, 1, 0, 0), y, 11L}, f,
                    "classes, log, x (rows 14 apart, float32), y and its row stride");
            Object[] b = CudaSoftmax.backwardArgs(s, false, 3f, y, x, -1f, x);
            KernelSignature.parse(SOURCE, Kernel.SOFTMAX_BACKWARD.name()).check(b);
            assertArrayEquals(new Object[]{11, false, 3f, y, 11L, x, 14L, -1f, new KernelOperands.Ref(x.address(), 14, 1, 0, 0)}, b);
        }
    }

    @Test
    void halfPrecisionInputsAndGradientsAreRefsOfTheirType() {
        Shape s = Shape.of(3, 5);
        try (Tensor x = Tensor.allocate(HostAllocator.global(), s, DType.BFLOAT16); Tensor y = Tensor.zerosHost(s)) {
            Object[] f = CudaSoftmax.forwardArgs(s, false, x, y);
            KernelSignature.parse(SOURCE, Kernel.SOFTMAX_FORWARD.name()).check(f);
            assertEquals(KernelOperands.typeCode(DType.BFLOAT16), ((KernelOperands.Ref) f[2]).type());
            Object[] b = CudaSoftmax.backwardArgs(s, true, 1f, y, y, 0f, x);
            KernelSignature.parse(SOURCE, Kernel.SOFTMAX_BACKWARD.name()).check(b);
            assertEquals(KernelOperands.typeCode(DType.BFLOAT16), ((KernelOperands.Ref) b[8]).type(), "dx in the input's type");
        }
    }

    @Test
    void aSingleRowCountsAsContiguous() {
        try (Tensor wide = Tensor.zerosHost(Shape.of(1, 14))) {
            Tensor x = wide.narrow(1, 2, 11);
            assertEquals(11L, CudaSoftmax.forwardArgs(Shape.of(1, 11), false, x, x)[4]);
        }
    }
}
