package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.testing.BackendParityFixtures;
import dev.jdnn.ops.testing.BatchNormContract;

import org.junit.jupiter.api.Test;

import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BatchNormContract on the CPU backend, plus the CPU backend's own argument checks. */
class CpuBatchNormTest extends BatchNormContract {
    @Override
    protected Backend backend() {
        return new CpuBackend();
    }

    @Test
    void badInputsAreNamed() {
        try (var f = new BackendParityFixtures(backend()); BatchNormPlan plan = f.backend().batchNorm(SPEC)) {
            Shape p = SPEC.paramShape();
            Tensor g = f.tensor(p, gamma), b = f.tensor(p, beta);
            Tensor wrong = f.output(Shape.of(3, 5, 7, 8), false);
            var e = assertThrows(IllegalArgumentException.class, () -> plan.forwardInference(wrong, g, b, f.output(NCHW, false), g, b));
            assertEquals("batchNorm x: expected shape [3, 5, 7, 9], got [3, 5, 7, 8]", e.getMessage());
            Tensor intGamma = f.backend().allocate(p, DType.INT32);
            e = assertThrows(IllegalArgumentException.class, () -> plan.forwardInference(f.output(NCHW, false), intGamma, b, f.output(NCHW, false), g, b));
            assertTrue(e.getMessage().contains("batchNorm gamma") && e.getMessage().contains("float32") && e.getMessage().contains("int32"), e.getMessage());
            intGamma.close();
        }
        BatchNormSpec single = new BatchNormSpec(Shape.of(1, 2, 1, 1), 1e-5, 0.1);
        try (var f = new BackendParityFixtures(backend())) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> f.batchNormTraining(single, new float[2], new float[2], new float[2], new float[2], new float[2], false));
            assertTrue(e.getMessage().contains("more than 1 value per channel"), e.getMessage());
        }
    }
}
