package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;

import java.lang.foreign.MemorySegment;

/**
 * What every CPU op does with its host tensors: the shared argument checks ({@link Operands}) on the host device,
 * the memory segment behind a tensor, and the {@link Rows} view the kernels iterate over.
 */
final class HostTensors {
    private HostTensors() {}

    // The checks themselves are the backends' shared ones (dev.jdnn.ops.Operands), here bound to the host device.

    /** A float32 host tensor of any layout. */
    static Tensor floats(String what, Tensor t) {
        return Operands.floats(what, t, Device.CPU);
    }

    static Tensor typed(String what, Tensor t, DType dtype) {
        return Operands.typed(what, t, dtype, Device.CPU);
    }

    /** A float32 host tensor of exactly {@code shape}, contiguous or batch-strided. */
    static Tensor batched(String what, Tensor t, Shape shape) {
        return Operands.batched(what, t, shape, Device.CPU);
    }

    /** A contiguous float32 host tensor of exactly {@code shape}. */
    static Tensor contiguous(String what, Tensor t, Shape shape) {
        return Operands.contiguous(what, t, shape, Device.CPU);
    }

    /** Elements between consecutive samples: the batch stride, or the sample size when there is one sample. */
    static long sampleStride(Tensor t) {
        return t.dim(0) == 1 ? t.sampleSize() : t.batchStride();
    }

    static MemorySegment seg(Tensor t) {
        return t.buffer().hostSegment();
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
         * Same-shaped operands seen with one common run structure: one run when all are densely packed in the same
         * order ({@link #sameOrder}), else one run per sample (each must then be batch-strided).
         */
        static Rows[] common(String what, String[] names, Tensor... ts) {
            boolean dense = sameOrder(ts);
            Rows[] out = new Rows[ts.length];
            for (int i = 0; i < ts.length; i++) {
                if (!dense && !ts[i].isBatchStrided()) {
                    throw new IllegalArgumentException(what + " " + names[i] + ": expected a contiguous or batch-strided tensor, got " + ts[i].describe());
                }
                out[i] = dense ? whole(ts[i]) : perSample(ts[i]);
            }
            return out;
        }

        /**
         * Whether same-shaped tensors are all contiguous, or all densely packed channels-last: then element k of each
         * one's memory is the same logical element, and an elementwise op may run over the memory as one run.
         */
        static boolean sameOrder(Tensor... ts) {
            boolean contiguous = true, nhwc = true;
            for (Tensor t : ts) {
                contiguous &= t.isContiguous();
                nhwc &= MemoryFormat.NHWC.isLayoutOf(t);
            }
            return contiguous || nhwc;
        }

        /** Float32 tensors in one dense order ({@link #sameOrder}): an elementwise float32 kernel takes them as they are. */
        static boolean sameDense(Tensor... ts) {
            for (Tensor t : ts) if (t.dtype() != DType.FLOAT32) return false;
            return sameOrder(ts);
        }
    }
}
