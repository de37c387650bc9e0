package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

/** Operand checks shared by the CPU convolution and linear plans; messages name the operand and both shapes. */
final class PlanOperands {
    private PlanOperands() {}

    /** A host float32 tensor of the expected shape whose dimensions after the first are contiguous. */
    static Tensor batchStrided(Tensor t, Shape expected, String what) {
        common(t, expected, what);
        if (!t.isBatchStrided()) {
            throw new IllegalArgumentException(what + ": expected a contiguous or batch-strided tensor, got " + t.describe());
        }
        return t;
    }

    /** A host float32 contiguous tensor of the expected shape. */
    static Tensor contiguous(Tensor t, Shape expected, String what) {
        common(t, expected, what);
        if (!t.isContiguous()) throw new IllegalArgumentException(what + ": expected a contiguous tensor, got " + t.describe());
        return t;
    }

    private static void common(Tensor t, Shape expected, String what) {
        if (t == null) throw new IllegalArgumentException(what + ": tensor is null, expected shape " + expected);
        t.requireDevice(Device.CPU, what);
        if (t.dtype() != DType.FLOAT32) throw new IllegalArgumentException(what + ": expected a float32 tensor, got " + t.describe());
        t.requireShape(expected, what);
    }

    /** Elements between consecutive samples: the batch stride, or the sample size when there is one sample. */
    static long sampleStride(Tensor t) {
        return t.dim(0) == 1 ? t.sampleSize() : t.batchStride();
    }
}
