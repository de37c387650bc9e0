package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.Rand;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CudaTransfers, strided copies and memory accounting of the CPU backend. */
class CpuTransfersTest {
    private final Backend backend = new CpuBackend();

    @Test
    void uploadDownloadRoundTripAndAccounting() {
        long before = backend.memoryStats().liveBytes();
        float[] data = Rand.uniform(101, 60);
        try (Tensor t = backend.allocate(Shape.of(3, 4, 5))) {
            assertEquals(before + 240, backend.memoryStats().liveBytes());
            backend.upload(data, t);
            assertArrayEquals(data, backend.download(t));
            var e = assertThrows(IllegalArgumentException.class, () -> backend.download(t, new float[59]));
            assertTrue(e.getMessage().contains("59"), e.getMessage());
        }
        assertEquals(before, backend.memoryStats().liveBytes());
    }

    @Test
    void copyBetweenArbitraryStrides() {
        float[] data = Rand.uniform(102, 2 * 3 * 4 * 10);
        try (Tensor src = backend.allocate(Shape.of(2, 3, 4, 10)); Tensor dst = backend.zeros(Shape.of(2, 3, 4, 10))) {
            backend.upload(data, src);
            Tensor everyOther = src.step(3, 2), target = dst.step(3, 2); // [2, 3, 4, 5] views, inner stride 2
            backend.copy(everyOther, target);
            float[] out = backend.download(dst);
            for (int i = 0; i < data.length; i++) assertEquals(i % 2 == 0 ? data[i] : 0f, out[i], "element " + i);

            // a channel slice (batch-strided) into a contiguous tensor and back into another slice
            try (Tensor slice = backend.allocate(Shape.of(2, 1, 4, 10))) {
                backend.copy(src.narrow(1, 2, 1), slice);
                backend.copy(slice, dst.narrow(1, 0, 1));
                assertArrayEquals(backend.download(src.narrow(1, 2, 1)), backend.download(dst.narrow(1, 0, 1)));
            }
        }
    }

    @Test
    void copyIntsAndRejectMismatches() {
        try (Tensor a = backend.allocate(Shape.of(5), DType.INT32); Tensor b = backend.allocate(Shape.of(5), DType.INT32);
             Tensor f = backend.allocate(Shape.of(5)); Tensor g = backend.allocate(Shape.of(6))) {
            backend.uploadInts(new int[] {3, 1, 4, 1, 5}, a);
            backend.copy(a, b);
            assertArrayEquals(new int[] {3, 1, 4, 1, 5}, b.toIntArray());
            var e = assertThrows(IllegalArgumentException.class, () -> backend.copy(a, f));
            assertTrue(e.getMessage().contains("int32") && e.getMessage().contains("float32"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backend.copy(f, g));
            assertEquals("copy: dst must have the shape of src [5], got [6]", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> backend.upload(new float[4], f));
            assertTrue(e.getMessage().contains("4 values"), e.getMessage());
        }
    }
}
