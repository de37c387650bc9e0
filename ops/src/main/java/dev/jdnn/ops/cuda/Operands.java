package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

/** Argument checks shared by every CUDA op: what was wrong, with both shapes, the dtype and the device. */
final class Operands {
    private Operands() {}

    /** A float32 operand of exactly {@code shape} on {@code device}, batch-strided or contiguous. */
    static Tensor check(Tensor t, String what, Shape shape, Device device) {
        if (t == null) throw new IllegalArgumentException(what + ": tensor is null");
        t.requireDType(DType.FLOAT32);
        t.requireDevice(device, what);
        t.requireShape(shape, what);
        if (!t.isBatchStrided()) throw new IllegalArgumentException(what + ": needs a contiguous or batch-strided tensor, got " + t.describe());
        return t;
    }

    /** A contiguous float32 operand of {@code shape} on {@code device}. */
    static Tensor contiguous(Tensor t, String what, Shape shape, Device device) {
        check(t, what, shape, device);
        if (!t.isContiguous()) throw new IllegalArgumentException(what + ": needs a contiguous tensor, got " + t.describe());
        return t;
    }

    /** Same-shaped float32 operands on {@code device}. */
    static void sameShape(String what, Device device, Tensor first, Tensor... others) {
        check(first, what, first.shape(), device);
        for (Tensor o : others) if (o != null) check(o, what, first.shape(), device);
    }
}
