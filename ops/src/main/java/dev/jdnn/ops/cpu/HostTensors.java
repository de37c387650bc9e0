package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Argument checks shared by every CPU op and plan, with messages naming the op and operand ("batchNorm x: expected shape
 * [3, 5, 7, 9], got [3, 5, 7, 8]"), and the {@link Rows} view the kernels iterate over.
 */
final class HostTensors {
    private HostTensors() {}

    /** A float32 host tensor of any layout. */
    static Tensor floats(String what, Tensor t) {
        return typed(what, t, DType.FLOAT32);
    }

    static Tensor typed(String what, Tensor t, DType dtype) {
        if (t == null) throw new IllegalArgumentException(what + ": tensor is null");
        t.requireDevice(Device.CPU, what);
        if (t.dtype() != dtype) throw new IllegalArgumentException(what + ": expected a " + dtype.name().toLowerCase() + " tensor, got " + t.describe());
        return t;
    }

    /** A float32 host tensor of exactly {@code shape}, contiguous or batch-strided. */
    static Tensor batched(String what, Tensor t, Shape shape) {
        shaped(what, t, shape);
        if (!t.isBatchStrided()) {
            throw new IllegalArgumentException(what + ": expected a contiguous or batch-strided tensor (all dimensions but the first contiguous), got " + t.describe());
        }
        return t;
    }

    /** A contiguous float32 host tensor of exactly {@code shape}. */
    static Tensor contiguous(String what, Tensor t, Shape shape) {
        shaped(what, t, shape);
        requireContiguous(what, t);
        return t;
    }

    /** A float32 host tensor of exactly {@code shape}, any layout; a missing tensor's message names the shape expected. */
    private static void shaped(String what, Tensor t, Shape shape) {
        if (t == null) throw new IllegalArgumentException(what + ": tensor is null, expected shape " + shape);
        floats(what, t).requireShape(shape, what);
    }

    /** Elements between consecutive samples: the batch stride, or the sample size when there is one sample. */
    static long sampleStride(Tensor t) {
        return t.dim(0) == 1 ? t.sampleSize() : t.batchStride();
    }

    static Tensor requireContiguous(String what, Tensor t) {
        if (!t.isContiguous()) throw new IllegalArgumentException(what + ": expected a contiguous tensor, got " + t.describe());
        return t;
    }

    /** {@code b} must have {@code a}'s shape; the message names both operands. */
    static void sameShape(String what, Tensor a, String nameA, Tensor b, String nameB) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(what + ": " + nameB + " must have the shape of " + nameA + " " + a.shape() + ", got " + b.shape());
        }
    }

    static MemorySegment seg(Tensor t) {
        return t.buffer().hostSegment();
    }

    static String shapes(Tensor... ts) {
        return Arrays.toString(Arrays.stream(ts).map(Tensor::shape).toArray());
    }

    /**
     * A tensor seen as {@code rows} contiguous runs of {@code len} floats, run r starting at element
     * {@code offset + r * stride} of {@code seg}. A batch-strided tensor is one run per sample; a contiguous one may be
     * viewed as a single run, which vectorises and splits best.
     */
    record Rows(MemorySegment seg, long offset, long stride, int rows, int len) {
        long at(int row) {
            return offset + row * stride;
        }

        static Rows perSample(Tensor t) {
            if (t.rank() == 0) return new Rows(HostTensors.seg(t), t.offset(), 1, 1, 1);
            return new Rows(HostTensors.seg(t), t.offset(), t.stride(0), t.dim(0), Math.toIntExact(t.sampleSize()));
        }

        static Rows whole(Tensor t) {
            return new Rows(HostTensors.seg(t), t.offset(), 0, 1, Math.toIntExact(t.numel()));
        }

        /**
         * Same-shaped operands seen with one common run structure: one run when all are contiguous, else one run per
         * sample (each must then be batch-strided).
         */
        static Rows[] common(String what, String[] names, Tensor... ts) {
            boolean allContiguous = true;
            for (Tensor t : ts) allContiguous &= t.isContiguous();
            Rows[] out = new Rows[ts.length];
            for (int i = 0; i < ts.length; i++) {
                if (!allContiguous && !ts[i].isBatchStrided()) {
                    throw new IllegalArgumentException(what + " " + names[i] + ": expected a contiguous or batch-strided tensor, got " + ts[i].describe());
                }
                out[i] = allContiguous ? whole(ts[i]) : perSample(ts[i]);
            }
            return out;
        }
    }
}
