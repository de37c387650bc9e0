package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.CrossEntropyPlan;
import dev.jdnn.ops.testing.BackendParityFixtures;
import dev.jdnn.ops.testing.Rand;
import dev.jdnn.ops.testing.SoftmaxContract;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SoftmaxContract on the CPU backend, plus the CPU backend's own argument checks. */
class CpuSoftmaxTest extends SoftmaxContract {
    @Override
    protected Backend backend() {
        return new CpuBackend();
    }

    @Test
    void outOfRangeLabelNamesSampleAndLabel() {
        try (var f = new BackendParityFixtures(backend()); CrossEntropyPlan plan = f.backend().crossEntropy(N, C, 0f)) {
            Tensor x = f.tensor(SHAPE, Rand.uniform(52, N * C)), loss = f.output(Shape.of(1), false);
            var e = assertThrows(IllegalArgumentException.class, () -> plan.forwardBackward(x, f.ints(Shape.of(N), 0, 1, 2, 3, 11, 5, 6), loss, 1f, 0f, null));
            assertEquals("crossEntropy: label 11 of sample 4 is outside [0, 11)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> plan.forwardBackward(x, f.ints(Shape.of(N), -1, 1, 2, 3, 4, 5, 6), loss, 1f, 0f, null));
            assertTrue(e.getMessage().contains("label -1 of sample 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> plan.forwardBackward(x, f.tensor(Shape.of(N), new float[N]), loss, 1f, 0f, null));
            assertTrue(e.getMessage().contains("crossEntropy labels") && e.getMessage().contains("int32"), e.getMessage());
        }
    }
}
