package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;
import dev.jdnn.ops.testing.BackendParityFixtures;
import dev.jdnn.ops.testing.OptimizerContract;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
            var momentum = new OptimizerConfig.Sgd(0.9, 0, 0, false);
            var e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, g, null, momentum, scalars(f, momentum, 1)));
            assertTrue(e.getMessage().contains("momentumBuffer"), e.getMessage());
            var plain = new OptimizerConfig.Sgd(0, 0, 0, false);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, wrong, null, plain, scalars(f, plain, 1)));
            assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[4]") && e.getMessage().contains("grad"), e.getMessage());
            var adam = new OptimizerConfig.Adam(0.9, 0.999, 1e-8, 0, false, true);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().adamStep(p, g, g, g, null, adam, scalars(f, adam, 1)));
            assertTrue(e.getMessage().contains("maxExpAvgSq"), e.getMessage());
        }
    }

    private static Tensor scalars(BackendParityFixtures f, OptimizerConfig c, int step) {
        return f.tensor(Shape.of(OptimizerScalars.length(c)), OptimizerScalars.of(c, 0.1, step));
    }

    @Test
    void stepScalarsAreChecked() {
        try (var f = new BackendParityFixtures(backend())) {
            Tensor p = f.tensor(Shape.of(3), 1, 2, 3), g = f.tensor(Shape.of(3), 1, 1, 1);
            var sgd = new OptimizerConfig.Sgd(0, 0, 0, false);
            var adam = new OptimizerConfig.Adam(0.9, 0.999, 1e-8, 0, false, false);
            var e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, g, null, sgd, scalars(f, adam, 1)));
            assertTrue(e.getMessage().contains("contiguous tensor of 3 floats"), e.getMessage());
            Tensor badFlag = f.tensor(Shape.of(OptimizerScalars.SGD_LENGTH), 0.1f, 0.5f, 1f);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, g, null, sgd, badFlag));
            assertTrue(e.getMessage().contains("first-step flag"), e.getMessage());
            Tensor badApply = f.tensor(Shape.of(OptimizerScalars.SGD_LENGTH), 0.1f, 1f, 0.5f);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, g, null, sgd, badApply));
            assertTrue(e.getMessage().contains("apply flag"), e.getMessage());
            // Scalars never written (all zero, apply 0 included) are refused, not taken for a skipped step.
            Tensor unwritten = f.tensor(Shape.of(OptimizerScalars.ADAM_LENGTH), 0, 0, 0, 0);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().adamStep(p, g, g, g, null, adam, unwritten));
            assertTrue(e.getMessage().contains("were the step's scalars written"), e.getMessage());
            // A skipped step still checks its operands.
            Tensor skip = f.tensor(Shape.of(OptimizerScalars.SGD_LENGTH), 0.1f, 0f, 0f), wrong = f.tensor(Shape.of(4), 0, 0, 0, 0);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().sgdStep(p, wrong, null, sgd, skip));
            assertTrue(e.getMessage().contains("grad"), e.getMessage());
        }
    }

    @Test
    void scalarsAreComputedInDoubleAndRoundedOnce() {
        var adamw = new OptimizerConfig.Adam(0.9, 0.999, 1e-8, 0.05, true, false);
        float[] s = OptimizerScalars.of(adamw, 1e-3, 3);
        assertEquals((float) (1e-3 / (1 - 0.9 * 0.9 * 0.9)), s[OptimizerScalars.ADAM_STEP_SIZE]);
        assertEquals((float) Math.sqrt(1 - 0.999 * 0.999 * 0.999), s[OptimizerScalars.ADAM_BC2_SQRT]);
        assertEquals((float) (1 - 1e-3 * 0.05), s[OptimizerScalars.ADAM_DECAY]);
        assertEquals(1f, OptimizerScalars.of(adamw.withWeightDecay(0), 1e-3, 3)[OptimizerScalars.ADAM_DECAY]);
        assertEquals(1f, OptimizerScalars.of(OptimizerConfig.Adam.adam(0.05), 1e-3, 3)[OptimizerScalars.ADAM_DECAY], "Adam's decay goes into the gradient");
        // torch converts 1 - beta1 computed in double, not 1f - (float) beta1.
        assertEquals((float) (1 - 0.9), adamw.lerpWeight());
        assertNotEquals(1f - 0.9f, adamw.lerpWeight());
        assertArrayEquals(new float[] {0.25f, 1f, 1f}, OptimizerScalars.of(new OptimizerConfig.Sgd(0, 0, 0, false), 0.25, 1));
        assertEquals(0f, OptimizerScalars.of(new OptimizerConfig.Sgd(0, 0, 0, false), 0.25, 2)[OptimizerScalars.SGD_FIRST_STEP]);
        assertThrows(IllegalArgumentException.class, () -> OptimizerScalars.of(adamw, 1e-3, 0));
    }

    @Test
    void clipGradNormArgumentsAreChecked() {
        try (var f = new BackendParityFixtures(backend())) {
            Tensor g = f.tensor(Shape.of(3), 1, 2, 3), two = f.tensor(Shape.of(2), 0, 0);
            var e = assertThrows(IllegalArgumentException.class, () -> f.backend().clipGradNorm(g, 1f, two));
            assertTrue(e.getMessage().contains("the norm must be one float"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().clipGradNorm(g, 0f, two.narrow(0, 0, 1)));
            assertTrue(e.getMessage().contains("max norm"), e.getMessage());
            Tensor strided = f.tensor(Shape.of(4), 1, 2, 3, 4).step(0, 2);
            e = assertThrows(IllegalArgumentException.class, () -> f.backend().clipGradNorm(strided, 1f, two.narrow(0, 0, 1)));
            assertTrue(e.getMessage().contains("clipGradNorm grads") && e.getMessage().contains("contiguous"), e.getMessage());
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
