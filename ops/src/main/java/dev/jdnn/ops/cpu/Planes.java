package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * An NCHW tensor seen as N*C contiguous H*W planes; plane p = n*C + c starts at {@link #at(int)}. Batch-strided
 * tensors qualify: only the distance between samples varies.
 */
record Planes(MemorySegment seg, long offset, long batchStride, int batch, int channels, int height, int width) {
    /** Checks that {@code t} is a float32 host tensor of {@code shape} (NCHW), contiguous or batch-strided. */
    static Planes of(String what, Tensor t, Shape shape) {
        if (shape.rank() != 4) throw new IllegalArgumentException(what + ": expected an NCHW (rank 4) tensor, got shape " + shape);
        HostTensors.batched(what, t, shape);
        return new Planes(HostTensors.seg(t), t.offset(), t.stride(0), shape.dim(0), shape.dim(1), shape.dim(2), shape.dim(3));
    }

    int count() {
        return batch * channels;
    }

    int size() {
        return height * width;
    }

    long at(int plane) {
        return offset + (plane / channels) * batchStride + (long) (plane % channels) * size();
    }

    long at(int n, int c) {
        return offset + n * batchStride + (long) c * size();
    }
}
