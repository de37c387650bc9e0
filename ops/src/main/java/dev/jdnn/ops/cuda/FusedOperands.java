package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.cuda.graphapi.GraphTensor;

/**
 * Argument checks of the fused CUDA plans, which run a graph built for exact dtypes, strides and pointer alignment:
 * each check names the pattern and operand and returns the device address.
 */
final class FusedOperands {
    private FusedOperands() {}

    /** An activation or weight: the pattern's dtype, exactly {@code shape}, densely packed in {@code layout}, aligned. */
    static long activation(Tensor t, String what, Shape shape, DType dtype, MemoryFormat layout, Device device) {
        if (t == null) throw new IllegalArgumentException(what + ": tensor is null, expected a " + dtype.label() + " " + layout.label() + " tensor of shape " + shape);
        t.requireDevice(device, what);
        t.requireShape(shape, what);
        if (t.dtype() != dtype) throw new IllegalArgumentException(what + ": expected a " + dtype.label() + " tensor, got " + t.describe());
        if (!layout.isLayoutOf(t)) throw new IllegalArgumentException(what + ": expected a densely packed " + layout.label() + " tensor, got " + t.describe());
        return aligned(t, what);
    }

    /** A float32 [C] vector ({@link Operands#contiguous}'s check), aligned. */
    static long vector(Tensor t, String what, int channels, Device device) {
        return aligned(Operands.contiguous(what, t, Shape.of(channels), device), what);
    }

    /** Null where the pattern takes no such operand. */
    static void absent(Tensor t, String what, String because) {
        if (t != null) throw new IllegalArgumentException(what + " must be null " + because);
    }

    private static long aligned(Tensor t, String what) {
        long address = t.address();
        if (address % GraphTensor.ALIGNMENT != 0) {
            throw new IllegalArgumentException(what + ": a fused graph needs " + GraphTensor.ALIGNMENT + "-byte aligned operands, "
                    + t.describe() + " is at address " + address + " (offset " + t.offset() + " elements)");
        }
        return address;
    }
}
