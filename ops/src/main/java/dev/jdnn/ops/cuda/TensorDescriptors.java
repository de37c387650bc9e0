package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.Operands;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tensor descriptors for one operand of a plan — its shape and {@link OperandType} — one per set of strides seen. The
 * densely packed layout of the type's format is built at plan time; a static graph presents the same strides every
 * step, so after the first step no descriptor is created on the per-step path, and a channel-slice view (batch-strided
 * NCHW, pixel-strided NHWC) simply gets its own descriptor the first time.
 */
final class TensorDescriptors implements AutoCloseable {
    private final String what;
    private final Shape shape;
    private final OperandType type;
    private final int[] nchw;
    private final Device device;
    private final Map<List<Long>, MemorySegment> byStrides = new HashMap<>();
    private boolean closed;

    TensorDescriptors(String what, Shape shape, OperandType type, Device device) {
        this.what = what;
        this.shape = shape;
        this.type = type;
        this.device = device;
        this.nchw = nchwOf(shape);
        dense(); // built at plan time: the common case never allocates later
    }

    /** NCHW as is; any other rank as [dim0, rest, 1, 1] (such ops only care about rows of elements). */
    static int[] nchwOf(Shape shape) {
        if (shape.rank() == 4) return shape.toArray();
        if (shape.rank() == 0) return new int[]{1, 1, 1, 1};
        return new int[]{shape.dim(0), Math.toIntExact(shape.numel() / Math.max(1, shape.dim(0))), 1, 1};
    }

    /** The descriptor of a densely packed operand in the type's format. */
    MemorySegment dense() {
        return forStrides(denseStrides());
    }

    private long[] denseStrides() {
        return type.format() == MemoryFormat.NHWC ? MemoryFormat.NHWC.strides(Shape.of(nchw)) : Shape.of(nchw).contiguousStrides();
    }

    /** Checks {@code t} (shape, dtype, format, device) and returns the descriptor for its strides. */
    MemorySegment of(Tensor t) {
        Operands.activation(what, t, shape, type, device);
        return forStrides(stridesOf(t));
    }

    /** Whether {@code t}'s descriptor is the densely packed one. */
    boolean isDense(Tensor t) {
        return Arrays.equals(stridesOf(t), denseStrides());
    }

    /**
     * The 4-D strides cuDNN sees for {@code t}: its own for rank 4, [batch stride, 1, 1, 1] for the [dim0, rest, 1, 1]
     * view of other ranks; a size-1 dimension takes the dense stride, so equal layouts share one descriptor.
     */
    private long[] stridesOf(Tensor t) {
        long[] dense = denseStrides();
        long[] s = t.rank() == 4 ? t.strides() : new long[]{t.rank() == 0 ? 1 : t.stride(0), 1, 1, 1};
        for (int i = 0; i < 4; i++) if (nchw[i] <= 1 || t.rank() != 4 && i > 0) s[i] = dense[i];
        return s;
    }

    private MemorySegment forStrides(long[] strides) {
        // Every cuDNN call of a plan starts here: after close() its descriptors (and the plan's own) are destroyed.
        if (closed) throw new IllegalStateException(what + ": the plan was closed, its cuDNN descriptors are destroyed");
        return byStrides.computeIfAbsent(Arrays.stream(strides).boxed().toList(), k -> Cudnn.tensor(nchw, strides, type.dtype()));
    }

    @Override
    public void close() {
        closed = true;
        for (MemorySegment d : byStrides.values()) cudnn_h.cudnnDestroyTensorDescriptor(d);
        byStrides.clear();
    }
}
