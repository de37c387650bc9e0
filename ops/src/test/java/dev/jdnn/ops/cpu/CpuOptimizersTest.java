package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.testing.BackendParityFixtures;
import dev.jdnn.ops.testing.OptimizerContract;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OptimizerContract on the CPU backend, plus the CPU backend's own argument checks. */
class CpuOptimizersTest extends OptimizerContract {
    @Override
    protected Backend backend() {
        return new CpuBackend();
    }

    @Test
    void missingBuffersAreNamed() {
        try (var f = new BackendParityFixtures(backend())) {
            Tensor p = f.tensor(Shape.of(3), 1, 2, 3), g = f.tensor(Shape.of(3), 1, 1, 1), wrong = f.tensor(Shape.of(4), 0, 0, 0, 0);
            var e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, g, null, new OptimizerConfig.Sgd(0.1f, 0.9f, 0, 0, false), true));
            assertTrue(e.getMessage().contains("momentum buffer"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, wrong, null, new OptimizerConfig.Sgd(0.1f, 0, 0, 0, false), true));
            assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[4]") && e.getMessage().contains("grad"), e.getMessage());
            var adam = new OptimizerConfig.Adam(1e-3f, 0.9f, 0.999f, 1e-8f, 0, false, true);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().adamStep(p, g, g, g, null, adam, 1));
            assertTrue(e.getMessage().contains("maxExpAvgSq"), e.getMessage());
        }
    }
}
