package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.ActivationContract;
import dev.jdnn.ops.testing.BackendParityFixtures;

import org.junit.jupiter.api.Test;

import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** ActivationContract on the CPU backend, plus the CPU backend's own argument checks. */
class CpuActivationsTest extends ActivationContract {
    @Override
    protected Backend backend() {
        return new CpuBackend();
    }

    @Test
    void mismatchedShapeIsNamed() {
        try (var f = new BackendParityFixtures(backend()); ActivationPlan plan = f.backend().activation(Activation.RELU, 0, NCHW)) {
            Tensor x = f.output(NCHW, false), y = f.output(Shape.of(3, 5, 9, 7), false);
            var e = assertThrows(IllegalArgumentException.class, () -> plan.forward(1f, x, 0f, y));
            assertEquals("activation RELU y: expected shape [3, 5, 7, 9], got [3, 5, 9, 7]", e.getMessage());
        }
    }
}
