package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The arguments of cast4 (Backend.cast, and the strided copies of copy and of uploads/downloads), checked without a GPU. */
class CastArgsTest {
    private static final KernelSignature SIGNATURE = KernelSignature.parse(KernelCache.source(KernelFile.POINTWISE), "cast4");

    @Test
    void int32TensorsAreCopiedAsWordsLikeFloat32() {
        try (Tensor labels = Tensor.allocate(HostAllocator.global(), Shape.of(8), DType.INT32);
             Tensor dst = Tensor.allocate(HostAllocator.global(), Shape.of(4), DType.INT32)) {
            Tensor everyOther = labels.step(0, 2);
            Object[] a = CudaPointwise.castArgs(everyOther, dst);
            SIGNATURE.check(a);
            assertArrayEquals(new Object[]{1L, 1L, 1L, 4L}, java.util.Arrays.copyOfRange(a, 0, 4), "rank 1 padded with leading 1s");
            assertEquals(2L, a[8], "source stride of the last dimension");
            assertEquals(1L, a[14], "destination stride of the last dimension");
            assertEquals(3, a[9], "int32 is copied as raw words (type code 3)");
            assertEquals(3, a[15]);
        }
    }

    @Test
    void channelSliceKeepsItsStrides() {
        try (Tensor wide = Tensor.zerosHost(Shape.of(2, 5, 3, 4)); Tensor dst = Tensor.zerosHost(Shape.of(2, 2, 3, 4))) {
            Object[] a = CudaPointwise.castArgs(wide.narrow(1, 1, 2), dst);
            SIGNATURE.check(a);
            assertArrayEquals(new Object[]{2L, 2L, 3L, 4L}, java.util.Arrays.copyOfRange(a, 0, 4));
            assertArrayEquals(new Object[]{60L, 12L, 4L, 1L}, java.util.Arrays.copyOfRange(a, 5, 9));
            assertArrayEquals(new Object[]{24L, 12L, 4L, 1L}, java.util.Arrays.copyOfRange(a, 11, 15));
        }
    }

    @Test
    void aCastBetweenFormatsAndTypesCarriesBothStrideSetsAndTypeCodes() {
        // float32 NCHW -> bfloat16 NHWC: the weight copy of a channels-last convolution.
        try (Tensor w = Tensor.zerosHost(Shape.of(8, 3, 5, 5));
             Tensor copy = Tensor.allocate(HostAllocator.global(), Shape.of(8, 3, 5, 5), DType.BFLOAT16, dev.jdnn.memory.MemoryFormat.NHWC)) {
            Object[] a = CudaPointwise.castArgs(w, copy);
            SIGNATURE.check(a);
            assertArrayEquals(new Object[]{75L, 25L, 5L, 1L}, java.util.Arrays.copyOfRange(a, 5, 9));
            assertEquals(0, a[9], "float32");
            assertArrayEquals(new Object[]{75L, 1L, 15L, 3L}, java.util.Arrays.copyOfRange(a, 11, 15), "KRSC strides");
            assertEquals(1, a[15], "bfloat16");
        }
    }

    @Test
    void aChannelStrideOfZeroBroadcastsOneValuePerSample() {
        // Stochastic depth broadcasts its [N, 1, 1, 1] per-sample scale to an [N, C, 1, 1] mask this way.
        try (Tensor perSample = Tensor.zerosHost(Shape.of(3, 1, 1, 1)); Tensor mask = Tensor.zerosHost(Shape.of(3, 5, 1, 1))) {
            Tensor broadcast = perSample.asStrided(Shape.of(3, 5, 1, 1), new long[]{1, 0, 1, 1}, 0);
            Object[] a = CudaPointwise.castArgs(broadcast, mask);
            SIGNATURE.check(a);
            assertArrayEquals(new Object[]{3L, 5L, 1L, 1L}, java.util.Arrays.copyOfRange(a, 0, 4));
            assertArrayEquals(new Object[]{1L, 0L, 1L, 1L}, java.util.Arrays.copyOfRange(a, 5, 9), "source strides, channel stride 0");
            assertArrayEquals(new Object[]{5L, 1L, 1L, 1L}, java.util.Arrays.copyOfRange(a, 11, 15));
        }
    }

    @Test
    void otherElementSizesAndMismatchesAreRejectedByName() {
        try (Tensor bytes = Tensor.allocate(HostAllocator.global(), Shape.of(4), DType.UINT8);
             Tensor floats = Tensor.zerosHost(Shape.of(4));
             Tensor ints = Tensor.allocate(HostAllocator.global(), Shape.of(4), DType.INT32)) {
            var e = assertThrows(IllegalArgumentException.class, () -> CudaPointwise.castArgs(bytes, bytes));
            assertTrue(e.getMessage().contains("UINT8"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CudaPointwise.castArgs(floats, ints));
            assertThrows(IllegalArgumentException.class, () -> CudaPointwise.castArgs(floats, floats.narrow(0, 0, 2)));
        }
    }
}
