package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.cuda.graphapi.GraphTensor;

/**
 * Argument checks of the fused CUDA plans, which run a graph built for exact dtypes, strides and pointer alignment:
 * each check names the pattern and operand and returns the device address.
 */
final class FusedOperands {
    private FusedOperands() {}

    /** An activation or weight: the pattern's dtype, exactly {@code shape}, densely packed in {@code layout}, aligned. */
    static long activation(Tensor t, String what, Shape shape, DType dtype, MemoryFormat layout, Device device) {
        if (t == null) throw new IllegalArgumentException(what + ": tensor is null, expected " + dtype + " " + shape + " in " + layout);
        t.requireDevice(device, what);
        t.requireShape(shape, what);
        if (t.dtype() != dtype) throw new IllegalArgumentException(what + ": expected a " + dtype + " tensor, got " + t.describe());
        if (!layout.isLayoutOf(t)) throw new IllegalArgumentException(what + ": expected a densely packed " + layout + " tensor, got " + t.describe());
        return aligned(t, what);
    }

    /** A float32 [C] vector. */
    static long vector(Tensor t, String what, int channels, Device device) {
        if (t == null) throw new IllegalArgumentException(what + ": tensor is null, expected float32 [" + channels + "]");
        t.requireDevice(device, what);
        t.requireShape(Shape.of(channels), what);
        if (t.dtype() != DType.FLOAT32) throw new IllegalArgumentException(what + ": expected a FLOAT32 tensor, got " + t.describe());
        if (!t.isContiguous()) throw new IllegalArgumentException(what + ": expected a contiguous tensor, got " + t.describe());
        return aligned(t, what);
    }

    /** Null where the pattern takes no such operand. */
    static void absent(Tensor t, String what, String because) {
        if (t != null) throw new IllegalArgumentException(what + " must be null " + because);
    }

    /** The workspace's address, or 0 when {@code bytes} is 0. */
    static long workspace(Tensor ws, long bytes, String what, Device device) {
        if (bytes == 0) return 0;
        if (ws == null) throw new IllegalArgumentException(what + " needs a workspace of " + bytes + " bytes, got null");
        ws.requireDevice(device, what + " workspace");
        long available = ws.buffer().byteSize() - ws.offset() * ws.dtype().byteSize();
        if (available < bytes) throw new IllegalArgumentException(what + " workspace holds " + available + " bytes, the plan needs " + bytes);
        return aligned(ws, what + " workspace");
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
