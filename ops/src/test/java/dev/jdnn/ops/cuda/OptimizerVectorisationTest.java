package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * When the fused optimizers may take the float4 kernels: views into one flat buffer start at arbitrary element
 * offsets, so alignment is decided per call from the actual addresses (host tensors stand in for device ones: the
 * decision only reads addresses).
 */
class OptimizerVectorisationTest {
    @Test
    void viewsAtOffsetsNotMultipleOfFourFallBackToTheScalarKernels() {
        try (Tensor flat = Tensor.zerosHost(Shape.of(64)); Tensor grads = Tensor.zerosHost(Shape.of(64))) {
            assertEquals(0, flat.address() % 16, "the host allocator aligns buffers to 64 bytes");
            assertTrue(CudaOptimizers.vectorisable(8, flat.narrow(0, 0, 8), grads.narrow(0, 0, 8)));
            assertTrue(CudaOptimizers.vectorisable(8, flat.narrow(0, 4, 8), grads.narrow(0, 12, 8)));
            assertFalse(CudaOptimizers.vectorisable(8, flat.narrow(0, 1, 8), grads.narrow(0, 0, 8)), "parameter view 4 bytes past alignment");
            assertFalse(CudaOptimizers.vectorisable(8, flat.narrow(0, 0, 8), grads.narrow(0, 6, 8)), "gradient view misaligned");
            assertFalse(CudaOptimizers.vectorisable(6, flat.narrow(0, 0, 6), grads.narrow(0, 0, 6)), "length not a multiple of 4");
            assertTrue(CudaOptimizers.vectorisable(8, flat.narrow(0, 0, 8), grads.narrow(0, 0, 8), null), "absent (null) buffers do not count");
        }
    }
}
