package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The arguments of strided_copy4 (used by copy, and by uploads/downloads of strided tensors), checked without a GPU. */
class StridedCopyArgsTest {
    private static final KernelSignature SIGNATURE = KernelSignature.parse(KernelCache.source(KernelFile.POINTWISE), "strided_copy4");

    @Test
    void int32TensorsAreCopiedAsWordsLikeFloat32() {
        try (Tensor labels = Tensor.allocate(HostAllocator.global(), Shape.of(8), DType.INT32);
             Tensor dst = Tensor.allocate(HostAllocator.global(), Shape.of(4), DType.INT32)) {
            Tensor everyOther = labels.step(0, 2);
            Object[] a = CudaPointwise.stridedCopyArgs(everyOther, dst);
            SIGNATURE.check(a);
            assertArrayEquals(new Object[]{1L, 1L, 1L, 4L}, java.util.Arrays.copyOfRange(a, 0, 4), "rank 1 padded with leading 1s");
            assertEquals(2L, a[8], "source stride of the last dimension");
            assertEquals(1L, a[13], "destination stride of the last dimension");
        }
    }

    @Test
    void channelSliceKeepsItsStrides() {
        try (Tensor wide = Tensor.zerosHost(Shape.of(2, 5, 3, 4)); Tensor dst = Tensor.zerosHost(Shape.of(2, 2, 3, 4))) {
            Object[] a = CudaPointwise.stridedCopyArgs(wide.narrow(1, 1, 2), dst);
            SIGNATURE.check(a);
            assertArrayEquals(new Object[]{2L, 2L, 3L, 4L}, java.util.Arrays.copyOfRange(a, 0, 4));
            assertArrayEquals(new Object[]{60L, 12L, 4L, 1L}, java.util.Arrays.copyOfRange(a, 5, 9));
            assertArrayEquals(new Object[]{24L, 12L, 4L, 1L}, java.util.Arrays.copyOfRange(a, 10, 14));
        }
    }

    @Test
    void aChannelStrideOfZeroBroadcastsOneValuePerSample() {
        // Stochastic depth broadcasts its [N, 1, 1, 1] per-sample scale to an [N, C, 1, 1] mask this way.
        try (Tensor perSample = Tensor.zerosHost(Shape.of(3, 1, 1, 1)); Tensor mask = Tensor.zerosHost(Shape.of(3, 5, 1, 1))) {
            Tensor broadcast = perSample.asStrided(Shape.of(3, 5, 1, 1), new long[]{1, 0, 1, 1}, 0);
            Object[] a = CudaPointwise.stridedCopyArgs(broadcast, mask);
            SIGNATURE.check(a);
            assertArrayEquals(new Object[]{3L, 5L, 1L, 1L}, java.util.Arrays.copyOfRange(a, 0, 4));
            assertArrayEquals(new Object[]{1L, 0L, 1L, 1L}, java.util.Arrays.copyOfRange(a, 5, 9), "source strides, channel stride 0");
            assertArrayEquals(new Object[]{5L, 1L, 1L, 1L}, java.util.Arrays.copyOfRange(a, 10, 14));
        }
    }

    @Test
    void otherElementSizesAndMismatchesAreRejectedByName() {
        try (Tensor bytes = Tensor.allocate(HostAllocator.global(), Shape.of(4), DType.UINT8);
             Tensor floats = Tensor.zerosHost(Shape.of(4));
             Tensor ints = Tensor.allocate(HostAllocator.global(), Shape.of(4), DType.INT32)) {
            var e = assertThrows(IllegalArgumentException.class, () -> CudaPointwise.stridedCopyArgs(bytes, bytes));
            assertTrue(e.getMessage().contains("uint8"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CudaPointwise.stridedCopyArgs(floats, ints));
            assertThrows(IllegalArgumentException.class, () -> CudaPointwise.stridedCopyArgs(floats, floats.narrow(0, 0, 2)));
        }
    }
}
