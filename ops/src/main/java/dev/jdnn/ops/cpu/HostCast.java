package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HalfFloats;
import dev.jdnn.memory.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * dst = src between same-shaped float32 / bfloat16 / float16 host tensors of any strides (so also between memory
 * formats), converting the element type: exact when widening, rounding to nearest even when narrowing
 * ({@link HalfFloats}). {@code Backend.cast} on the CPU, and how {@link Staging} moves operands to and from the
 * float32 NCHW scratch the kernels compute on. Rows of the innermost dimension are copied in parallel for large tensors.
 */
final class HostCast {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private HostCast() {}

    static void copy(Tensor src, Tensor dst) {
        if (!src.shape().equals(dst.shape())) throw new IllegalArgumentException("cast: shapes differ, src " + src.describe() + ", dst " + dst.describe());
        src.requireFloatingPoint();
        dst.requireFloatingPoint();
        if (src.numel() == 0) return;
        long[] dims = new long[4], ss = new long[4], ds = new long[4];
        int pad = 4 - src.rank();
        if (pad < 0) throw new IllegalArgumentException("cast supports rank <= 4, got " + src.describe());
        for (int i = 0; i < 4; i++) {
            dims[i] = i < pad ? 1 : src.dim(i - pad);
            ss[i] = i < pad ? 0 : src.stride(i - pad);
            ds[i] = i < pad ? 0 : dst.stride(i - pad);
        }
        MemorySegment s = HostTensors.seg(src), d = HostTensors.seg(dst);
        DType st = src.dtype(), dt = dst.dtype();
        int rows = Math.toIntExact(dims[0] * dims[1] * dims[2]);
        int len = (int) dims[3];
        Runs.items(rows, len, r -> {
            long i0 = r / (dims[1] * dims[2]), i1 = r / dims[2] % dims[1], i2 = r % dims[2];
            long so = src.offset() + i0 * ss[0] + i1 * ss[1] + i2 * ss[2];
            long dO = dst.offset() + i0 * ds[0] + i1 * ds[1] + i2 * ds[2];
            for (int i = 0; i < len; i++) store(d, dt, dO + i * ds[3], load(s, st, so + i * ss[3]));
        });
    }

    static float load(MemorySegment s, DType t, long e) {
        return t == DType.FLOAT32 ? s.getAtIndex(F32, e) : HalfFloats.decode(t, s.getAtIndex(I16, e));
    }

    static void store(MemorySegment d, DType t, long e, float v) {
        if (t == DType.FLOAT32) d.setAtIndex(F32, e, v); else d.setAtIndex(I16, e, HalfFloats.encode(t, v));
    }
}
