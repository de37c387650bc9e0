package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.DropoutPlan;
import dev.jdnn.ops.testing.BackendParityFixtures;
import dev.jdnn.ops.testing.DropoutContract;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DropoutContract on the CPU backend, plus the CPU backend's own argument checks. */
class CpuDropoutTest extends DropoutContract {
    @Override
    protected Backend backend() {
        return new CpuBackend();
    }

    @Test
    void tooSmallReserveIsRejected() {
        try (var f = new BackendParityFixtures(backend()); DropoutPlan plan = f.backend().dropout(SHAPE, P, 1)) {
            Tensor small = f.bytes(plan.reserveBytes() - 1);
            var e = assertThrows(IllegalArgumentException.class, () -> plan.forward(f.output(SHAPE, false), f.output(SHAPE, false), small));
            assertTrue(e.getMessage().contains("at least " + plan.reserveBytes() + " bytes"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new CpuBackend().dropout(SHAPE, 1f, 1));
    }
}
