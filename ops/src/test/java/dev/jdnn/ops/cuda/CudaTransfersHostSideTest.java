package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The host operand of CudaBackend.copy's host↔device path is checked before anything is staged (no GPU needed). */
class CudaTransfersHostSideTest {
    @Test
    void contiguousHostTensorsGiveTheirByteCount() {
        try (Tensor h = Tensor.zerosHost(Shape.of(2, 3, 4, 5)); Tensor d = Tensor.zerosHost(Shape.of(2, 3, 4, 5));
             Tensor hi = Tensor.allocate(HostAllocator.global(), Shape.of(7), DType.INT32);
             Tensor di = Tensor.allocate(HostAllocator.global(), Shape.of(7), DType.INT32)) {
            assertEquals(4L * 120, CudaTransfers.hostSide(h, d, "copy source"));
            assertEquals(4L * 7, CudaTransfers.hostSide(hi, di, "copy source"));
        }
    }

    @Test
    void stridedHostSideAndMismatchesAreRejectedByName() {
        try (Tensor wide = Tensor.zerosHost(Shape.of(2, 6, 3, 3)); Tensor d = Tensor.zerosHost(Shape.of(2, 3, 3, 3));
             Tensor ints = Tensor.allocate(HostAllocator.global(), Shape.of(2, 3, 3, 3), DType.INT32)) {
            var strided = assertThrows(IllegalArgumentException.class, () -> CudaTransfers.hostSide(wide.narrow(1, 0, 3), d, "copy source"));
            assertTrue(strided.getMessage().contains("copy source") && strided.getMessage().contains("contiguous"), strided.getMessage());
            assertThrows(IllegalArgumentException.class, () -> CudaTransfers.hostSide(ints, d, "copy destination"));
            assertThrows(IllegalArgumentException.class, () -> CudaTransfers.hostSide(wide, d, "copy destination"));
        }
    }
}
