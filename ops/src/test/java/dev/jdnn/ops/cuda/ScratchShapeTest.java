package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Scratch buffers (convolution benchmarking workspace, dropout counters) of any size the options allow. */
class ScratchShapeTest {
    @Test
    void smallBuffersAreOneDimensional() {
        assertEquals(Shape.of(1), CudaContext.scratchShape(1));
        assertEquals(Shape.of(256 << 20), CudaContext.scratchShape(256L << 20));
        assertEquals(Shape.of(Integer.MAX_VALUE), CudaContext.scratchShape(Integer.MAX_VALUE));
    }

    @Test
    void workspaceLimitsOfTwoGibibytesAndMoreDoNotOverflow() {
        for (long bytes : new long[]{2L << 30, (4L << 30) + 1, 40L << 30}) {
            Shape s = CudaContext.scratchShape(bytes);
            assertTrue(s.numel() >= bytes, s + " holds fewer than " + bytes + " bytes");
            assertTrue(s.numel() - bytes < 1 << 20, s + " wastes a MiB or more for " + bytes + " bytes");
        }
    }
}
