package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * Tensor descriptors for one operand shape of a plan, one per batch stride seen. A static graph presents the same
 * strides every step, so after the first step no descriptor is created on the per-step path; a channel-slice view
 * simply gets its own descriptor the first time.
 */
final class TensorDescriptors implements AutoCloseable {
    private final String what;
    private final Shape shape;
    private final int[] nchw;
    private final Device device;
    private final Map<Long, MemorySegment> byBatchStride = new HashMap<>();

    TensorDescriptors(String what, Shape shape, Device device) {
        this.what = what;
        this.shape = shape;
        this.device = device;
        this.nchw = nchwOf(shape);
        contiguous(); // built at plan time: the common case never allocates later
    }

    /** NCHW as is; any other rank as [dim0, rest, 1, 1] (pointwise ops only care about the element order). */
    static int[] nchwOf(Shape shape) {
        if (shape.rank() == 4) return shape.toArray();
        if (shape.rank() == 0) return new int[]{1, 1, 1, 1};
        return new int[]{shape.dim(0), Math.toIntExact(shape.numel() / Math.max(1, shape.dim(0))), 1, 1};
    }

    Shape shape() {
        return shape;
    }

    int[] nchw() {
        return nchw.clone();
    }

    long sampleSize() {
        return (long) nchw[1] * nchw[2] * nchw[3];
    }

    MemorySegment contiguous() {
        return forStride(sampleSize());
    }

    /** Checks {@code t} (shape, dtype, device, layout) and returns the descriptor for its batch stride. */
    MemorySegment of(Tensor t) {
        Operands.batched(what, t, shape, device);
        return forStride(shape.dim(0) <= 1 ? sampleSize() : t.batchStride());
    }

    private MemorySegment forStride(long batchStride) {
        return byBatchStride.computeIfAbsent(batchStride, s -> Cudnn.tensor(nchw, s));
    }

    @Override
    public void close() {
        for (MemorySegment d : byBatchStride.values()) cudnn_h.cudnnDestroyTensorDescriptor(d);
        byBatchStride.clear();
    }
}
