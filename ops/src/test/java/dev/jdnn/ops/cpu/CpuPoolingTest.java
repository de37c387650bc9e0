package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.PoolPlan;
import dev.jdnn.ops.PoolSpec;
import dev.jdnn.ops.testing.BackendParityFixtures;
import dev.jdnn.ops.testing.PoolingContract;

import org.junit.jupiter.api.Test;

import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** PoolingContract on the CPU backend, plus the CPU backend's own argument checks. */
class CpuPoolingTest extends PoolingContract {
    @Override
    protected Backend backend() {
        return new CpuBackend();
    }

    @Test
    void wrongShapeNamesBothShapes() {
        PoolSpec spec = PoolSpec.max(NCHW, 3, 2, 1, false);
        try (var f = new BackendParityFixtures(backend()); PoolPlan plan = f.backend().pool(spec)) {
            Tensor x = f.output(Shape.of(3, 5, 7, 8), false);
            var e = assertThrows(IllegalArgumentException.class, () -> plan.forward(1f, x, 0f, f.output(spec.outputShape(), false)));
            assertEquals("pool x: expected shape [3, 5, 7, 9], got [3, 5, 7, 8]", e.getMessage());
        }
    }
}
