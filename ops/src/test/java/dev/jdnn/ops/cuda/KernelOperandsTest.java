package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Walk and Ref kernel arguments of tensors in both formats, checked without a GPU: the strides the kernels address
 * element (b, ch, px) with, and when a walk may take element i at offset i.
 */
class KernelOperandsTest {
    private static Tensor make(Shape s, DType t, MemoryFormat f) {
        return Tensor.allocate(HostAllocator.global(), s, t, f);
    }

    @Test
    void refsAddressElementsInEitherFormat() {
        Shape s = Shape.of(2, 5, 4, 3);
        try (Tensor nchw = make(s, DType.FLOAT32, MemoryFormat.NCHW); Tensor nhwc = make(s, DType.BFLOAT16, MemoryFormat.NHWC);
             Tensor wide = make(s.with(1, 8), DType.FLOAT16, MemoryFormat.NHWC)) {
            assertEquals(new KernelOperands.Ref(nchw.address(), 60, 12, 1, 0), KernelOperands.ref(nchw));
            assertEquals(new KernelOperands.Ref(nhwc.address(), 60, 1, 5, 1), KernelOperands.ref(nhwc), "channel stride 1, pixels C apart");
            Tensor slice = wide.narrow(1, 3, 5);
            assertEquals(new KernelOperands.Ref(slice.address(), 96, 1, 8, 2), KernelOperands.ref(slice), "pixel-strided: pixels Ctotal apart");
            assertEquals(wide.address() + 3 * 2, slice.address(), "the slice starts 3 channels (6 bytes) in");
            // element (b=1, ch=2, px=h*W+w = 7) of the NHWC tensor, by its Ref and by its strides
            KernelOperands.Ref r = KernelOperands.ref(nhwc);
            assertEquals(1 * nhwc.stride(0) + 2 * nhwc.stride(1) + 2 * nhwc.stride(2) + 1 * nhwc.stride(3), 1 * r.n() + 2 * r.c() + 7 * r.s());
        }
    }

    @Test
    void aWalkIsDenseOnlyWhenEveryOperandIsPackedInItsOrder() {
        Shape s = Shape.of(2, 5, 4, 3);
        try (Tensor a = make(s, DType.FLOAT32, MemoryFormat.NHWC); Tensor b = make(s, DType.BFLOAT16, MemoryFormat.NHWC);
             Tensor c = make(s, DType.FLOAT32, MemoryFormat.NCHW); Tensor wide = make(s.with(1, 7), DType.FLOAT32, MemoryFormat.NHWC)) {
            assertEquals(new KernelOperands.Walk(2, 5, 12, true, true), KernelOperands.walk(MemoryFormat.NHWC, a, b),
                    "channels fastest; dtypes may differ, element i is at offset i in both");
            assertFalse(KernelOperands.walk(MemoryFormat.NHWC, a, wide.narrow(1, 1, 5)).dense(), "a pixel-strided operand needs the index arithmetic");
            assertEquals(new KernelOperands.Walk(2, 5, 12, false, true), KernelOperands.walk(MemoryFormat.NCHW, c));
            assertEquals(new KernelOperands.Walk(4, 6, 1, false, true), KernelOperands.walk(MemoryFormat.NCHW, make(Shape.of(4, 6), DType.FLOAT32, MemoryFormat.NCHW)),
                    "[N, F] rows: C = F, one pixel");
        }
        assertEquals(120, new KernelOperands.Walk(2, 5, 12, true, true).count());
        assertEquals(3, KernelOperands.typeCode(DType.INT32));
        assertThrows(IllegalArgumentException.class, () -> KernelOperands.typeCode(DType.UINT8));
    }
}
