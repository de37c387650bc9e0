package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.BackendParityFixtures;
import dev.jdnn.ops.testing.PointwiseContract;

import org.junit.jupiter.api.Test;

import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PointwiseContract on the CPU backend, plus the CPU backend's own argument checks. */
class CpuPointwiseTest extends PointwiseContract {
    @Override
    protected Backend backend() {
        return new CpuBackend();
    }

    @Test
    void mismatchedOperandsAreNamed() {
        try (var f = new BackendParityFixtures(backend())) {
            Tensor x = f.output(NCHW, false), y = f.output(Shape.of(3, 5, 7, 8), false);
            var e = assertThrows(IllegalArgumentException.class, () -> f.backend().addScaled(1f, x, 0f, y));
            assertEquals("addScaled: y must have the shape of x [3, 5, 7, 9], got [3, 5, 7, 8]", e.getMessage());
            Tensor ints = f.backend().allocate(NCHW, DType.INT32);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().add(x, ints, x));
            assertTrue(e.getMessage().startsWith("add b: expected a float32, bfloat16 or float16 tensor, got int32[3, 5, 7, 9]"), e.getMessage());
            ints.close();
        }
    }
}
