package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The struct arguments of the NVRTC kernels, as common.cuh declares them: a {@link Ref} says where element
 * (b, ch, px) of an operand lies and what it is stored as; a {@link Walk} says in which order an elementwise kernel's
 * threads visit the elements. Every tensor is seen as [N, C, HW]: rank 4 as [N, C, H*W] (pixel h*W + w), rank 2 as
 * [N, F, 1], any other rank as [N, 1, one sample]. {@link KernelLauncher} packs them by value.
 */
final class KernelOperands {
    private KernelOperands() {}

    /** common.cuh's DT_* code of a storage type. */
    static int typeCode(DType t) {
        return switch (t) {
            case FLOAT32 -> 0;
            case BFLOAT16 -> 1;
            case FLOAT16 -> 2;
            case INT32 -> 3;
            default -> throw new IllegalArgumentException("kernels take float32, bfloat16, float16 or int32 tensors, got " + t);
        };
    }

    /** {@code struct Ref { void* p; i64 n, c, s; int type; }}: 40 bytes, natural alignment. */
    record Ref(long address, long n, long c, long s, int type) {
        static final long BYTES = 40;

        /** The same layout at another address, stored as another type (a scratch copy of an operand). */
        Ref at(long newAddress, DType storedAs) {
            return new Ref(newAddress, n, c, s, typeCode(storedAs));
        }

        void pack(MemorySegment to, long offset) {
            to.set(ValueLayout.JAVA_LONG, offset, address);
            to.set(ValueLayout.JAVA_LONG, offset + 8, n);
            to.set(ValueLayout.JAVA_LONG, offset + 16, c);
            to.set(ValueLayout.JAVA_LONG, offset + 24, s);
            to.set(ValueLayout.JAVA_INT, offset + 32, type);
            to.set(ValueLayout.JAVA_INT, offset + 36, 0);
        }
    }

    /** {@code struct Walk { i64 N, C, HW; int channelsLast; int dense; }}: 32 bytes. */
    record Walk(long n, long c, long hw, boolean channelsLast, boolean dense) {
        static final long BYTES = 32;

        long count() {
            return n * c * hw;
        }

        void pack(MemorySegment to, long offset) {
            to.set(ValueLayout.JAVA_LONG, offset, n);
            to.set(ValueLayout.JAVA_LONG, offset + 8, c);
            to.set(ValueLayout.JAVA_LONG, offset + 16, hw);
            to.set(ValueLayout.JAVA_INT, offset + 24, channelsLast ? 1 : 0);
            to.set(ValueLayout.JAVA_INT, offset + 28, dense ? 1 : 0);
        }
    }

    /** [N, C, HW] of a tensor's shape (see class comment). */
    static long[] ncp(Tensor t) {
        return switch (t.rank()) {
            case 0 -> new long[]{1, 1, 1};
            case 2 -> new long[]{t.dim(0), t.dim(1), 1};
            case 4 -> new long[]{t.dim(0), t.dim(1), (long) t.dim(2) * t.dim(3)};
            default -> new long[]{t.dim(0), 1, t.sampleSize()};
        };
    }

    /**
     * The Ref of {@code t}, which must lie in NCHW (batch-strided) or NHWC (pixel-strided) as the caller checked; null
     * gives a null Ref (p = 0), for optional operands.
     */
    static Ref ref(Tensor t) {
        if (t == null) return new Ref(0, 0, 0, 0, 0);
        int type = typeCode(t.dtype());
        long p = t.address();
        return switch (t.rank()) {
            case 0 -> new Ref(p, 0, 0, 0, type);
            case 2 -> new Ref(p, t.stride(0), t.stride(1), 0, type);
            case 4 -> new Ref(p, t.stride(0), t.stride(1), t.pixelStride(), type);
            default -> new Ref(p, t.stride(0), 0, 1, type);
        };
    }

    /**
     * The walk over same-shaped operands in {@code format} (as {@code Operands.sameFormat} found it): channels fastest
     * for NHWC; dense when every operand is packed in exactly that order.
     */
    static Walk walk(MemoryFormat format, Tensor... operands) {
        Tensor first = null;
        for (Tensor t : operands) if (t != null && first == null) first = t;
        if (first == null) throw new IllegalArgumentException("a kernel walk needs at least one operand");
        long[] d = ncp(first);
        boolean channelsLast = format == MemoryFormat.NHWC, dense = true;
        for (Tensor t : operands) if (t != null) dense &= isDense(ref(t), d, channelsLast);
        return new Walk(d[0], d[1], d[2], channelsLast, dense);
    }

    /** Whether element i of the walk is at offset i of {@code r}: the walk order's own strides, size-1 dimensions aside. */
    static boolean isDense(Ref r, long[] ncp, boolean channelsLast) {
        long n = ncp[0], c = ncp[1], hw = ncp[2];
        long wantN = c * hw, wantC = channelsLast ? 1 : hw, wantS = channelsLast ? c : 1;
        return (n <= 1 || r.n() == wantN) && (c <= 1 || r.c() == wantC) && (hw <= 1 || r.s() == wantS);
    }
}
