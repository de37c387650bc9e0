package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;
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

    @Test
    void stepScalarsAreChecked() {
        try (var f = new BackendParityFixtures(backend())) {
            Tensor p = f.tensor(Shape.of(3), 1, 2, 3), g = f.tensor(Shape.of(3), 1, 1, 1);
            Tensor sgdScalars = f.tensor(Shape.of(OptimizerScalars.SGD_LENGTH), 0.1f, 1f, 1f), adamScalars = f.tensor(Shape.of(OptimizerScalars.ADAM_LENGTH), 0, 0, 0, 0);
            var e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, g, null, new OptimizerConfig.Sgd(0.1f, 0, 0, 0, false), sgdScalars));
            assertTrue(e.getMessage().contains("config.lr() must be 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, g, null, new OptimizerConfig.Sgd(0, 0, 0, 0, false), adamScalars));
            assertTrue(e.getMessage().contains("must hold 3 floats"), e.getMessage());
            Tensor badFlag = f.tensor(Shape.of(OptimizerScalars.SGD_LENGTH), 0.1f, 0.5f, 1f);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, g, null, new OptimizerConfig.Sgd(0, 0, 0, 0, false), badFlag));
            assertTrue(e.getMessage().contains("first-step flag"), e.getMessage());
            Tensor badApply = f.tensor(Shape.of(OptimizerScalars.SGD_LENGTH), 0.1f, 1f, 0.5f);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, g, null, new OptimizerConfig.Sgd(0, 0, 0, 0, false), badApply));
            assertTrue(e.getMessage().contains("apply flag"), e.getMessage());
            var adam = new OptimizerConfig.Adam(0, 0.9f, 0.999f, 1e-8f, 0, false, false);
            // Scalars never written (all zero, apply 0 included) are refused, not taken for a skipped step.
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().adamStep(p, g, g, g, null, adam, adamScalars));
            assertTrue(e.getMessage().contains("were the step's scalars written"), e.getMessage());
            // A skipped step still checks its operands.
            Tensor skip = f.tensor(Shape.of(OptimizerScalars.SGD_LENGTH), 0.1f, 0f, 0f), wrong = f.tensor(Shape.of(4), 0, 0, 0, 0);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, wrong, null, new OptimizerConfig.Sgd(0, 0, 0, 0, false), skip));
            assertTrue(e.getMessage().contains("grad"), e.getMessage());
        }
    }

    @Test
    void finiteFlagArgumentsAreChecked() {
        try (var f = new BackendParityFixtures(backend())) {
            Tensor values = f.tensor(Shape.of(3), 1, 2, 3), two = f.tensor(Shape.of(2), 1, 1);
            var e = assertThrows(IllegalArgumentException.class, () -> f.backend().finiteFlag(values, two, false));
            assertTrue(e.getMessage().contains("the flag must be one float"), e.getMessage());
            Tensor ints = f.ints(Shape.of(1), 1);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().finiteFlag(values, ints, false));
            assertTrue(e.getMessage().contains("finiteFlag flag") && e.getMessage().contains("float32"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().finiteFlag(null, two.narrow(0, 0, 1), false));
            assertTrue(e.getMessage().contains("finiteFlag values"), e.getMessage());
        }
    }
}
