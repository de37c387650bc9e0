package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.jdnn.ops.cpu.HostTensors.seg;

/** Host transfers and strided copies for the CPU backend. */
final class CpuTransfers {
    private CpuTransfers() {}

    static void upload(float[] src, Tensor dst) {
        HostTensors.floats("upload dst", dst);
        requireLength("upload", src.length, dst);
        dst.copyFrom(src);
    }

    static void uploadInts(int[] src, Tensor dst) {
        HostTensors.typed("uploadInts dst", dst, DType.INT32);
        requireLength("uploadInts", src.length, dst);
        Operands.requireContiguous("uploadInts dst", dst);
        MemorySegment.copy(src, 0, seg(dst), ValueLayout.JAVA_INT_UNALIGNED, dst.offset() * 4, src.length);
    }

    static void download(Tensor src, float[] dst) {
        HostTensors.floats("download src", src);
        if (dst.length < src.numel()) {
            throw new IllegalArgumentException("download: array of " + dst.length + " floats cannot hold " + src.describe() + " (" + src.numel() + " elements)");
        }
        if (src.isContiguous()) {
            MemorySegment.copy(seg(src), ValueLayout.JAVA_FLOAT_UNALIGNED, src.offset() * 4, dst, 0, Math.toIntExact(src.numel()));
        } else {
            float[] values = src.toFloatArray();
            System.arraycopy(values, 0, dst, 0, values.length);
        }
    }

    private static void requireLength(String op, int length, Tensor dst) {
        if (length != dst.numel()) throw new IllegalArgumentException(op + ": " + length + " values given for " + dst.describe() + " (" + dst.numel() + " elements)");
    }

    /** dst = src for same-shaped, same-dtype tensors of any strides. */
    static void copy(Tensor src, Tensor dst) {
        if (src == null || dst == null) throw new IllegalArgumentException("copy: " + (src == null ? "src" : "dst") + " is null");
        src.requireDevice(Device.CPU, "copy src");
        dst.requireDevice(Device.CPU, "copy dst");
        if (src.dtype() != dst.dtype()) throw new IllegalArgumentException("copy: dtype mismatch, src " + src.describe() + ", dst " + dst.describe());
        Operands.sameShape("copy", src, "src", dst, "dst");
        long es = src.dtype().byteSize();
        MemorySegment s = seg(src), d = seg(dst);
        if (src.isContiguous() && dst.isContiguous()) {
            MemorySegment.copy(s, src.offset() * es, d, dst.offset() * es, src.numel() * es);
        } else if (src.rank() >= 1 && src.isBatchStrided() && dst.isBatchStrided()) {
            long bytes = src.sampleSize() * es;
            Runs.items(src.dim(0), src.sampleSize(), n -> MemorySegment.copy(s, (src.offset() + n * src.stride(0)) * es, d, (dst.offset() + n * dst.stride(0)) * es, bytes));
        } else {
            stridedCopy(src, dst, s, d, es);
        }
    }

    /** Walks every index of the shape; the last dimension is copied as one block when both sides have stride 1. */
    private static void stridedCopy(Tensor src, Tensor dst, MemorySegment s, MemorySegment d, long es) {
        int rank = src.rank();
        int[] dims = src.shape().toArray();
        if (src.numel() == 0) return;
        int last = dims[rank - 1];
        long ss = src.stride(rank - 1), ds = dst.stride(rank - 1);
        int[] idx = new int[rank];
        while (true) {
            long so = src.offset(), dO = dst.offset();
            for (int k = 0; k < rank - 1; k++) {
                so += idx[k] * src.stride(k);
                dO += idx[k] * dst.stride(k);
            }
            if (ss == 1 && ds == 1) {
                MemorySegment.copy(s, so * es, d, dO * es, last * es);
            } else {
                for (int i = 0; i < last; i++) MemorySegment.copy(s, (so + i * ss) * es, d, (dO + i * ds) * es, es);
            }
            int k = rank - 2;
            while (k >= 0 && ++idx[k] == dims[k]) idx[k--] = 0;
            if (k < 0) return;
        }
    }
}
