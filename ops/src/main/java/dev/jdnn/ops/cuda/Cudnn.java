package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * cuDNN descriptor construction and destruction. Creating descriptors needs neither a GPU nor a handle, so everything
 * here runs (and is tested) on machines without a device. Plans build their descriptors once, at plan time.
 */
final class Cudnn {
    private Cudnn() {}

    /**
     * cuDNN's CUDNN_BN_MIN_EPSILON (a macro, so not in the bindings): 0.0 in cuDNN 9's cudnn_ops.h
     * ({@code #define CUDNN_BN_MIN_EPSILON 0.0}); it was 1e-5 only before cuDNN 7.5.
     */
    static final double BN_MIN_EPSILON = 0.0;
    /** cuDNN's CUDNN_LRN_MIN_N / CUDNN_LRN_MAX_N (macros). */
    static final int LRN_MIN_N = 1, LRN_MAX_N = 16;
    /** cuDNN's CUDNN_LRN_MIN_K / CUDNN_LRN_MIN_BETA (macros). */
    static final double LRN_MIN_K = 1e-5, LRN_MIN_BETA = 0.01;

    /** Calls a cudnnCreate*Descriptor function and returns the new handle. */
    static MemorySegment create(ToIntFunction<MemorySegment> creator, String function) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Check.cudnn(creator.applyAsInt(out), function);
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    /** cuDNN's data type for a storage type. */
    static int dataType(DType t) {
        return switch (t) {
            case FLOAT32 -> cudnn_h.CUDNN_DATA_FLOAT();
            case BFLOAT16 -> cudnn_h.CUDNN_DATA_BFLOAT16();
            case FLOAT16 -> cudnn_h.CUDNN_DATA_HALF();
            default -> throw new IllegalArgumentException("cuDNN operands are float32, bfloat16 or float16, got " + t);
        };
    }

    /**
     * A 4-D tensor descriptor of {@code dtype} with logical NCHW dims and any strides (cudnnSetTensor4dDescriptorEx):
     * NCHW, NHWC and their batch- or pixel-strided views alike.
     */
    static MemorySegment tensor(int[] nchw, long[] strides, DType dtype) {
        int[] st = new int[4];
        for (int i = 0; i < 4; i++) {
            if (strides[i] > Integer.MAX_VALUE || strides[i] < 1) {
                throw new IllegalArgumentException("cuDNN tensor descriptors take positive int strides; stride " + strides[i] + " of dimension " + i
                        + " (dims " + java.util.Arrays.toString(nchw) + ") is out of range");
            }
            st[i] = (int) strides[i];
        }
        MemorySegment d = create(cudnn_h::cudnnCreateTensorDescriptor, "cudnnCreateTensorDescriptor");
        try {
            Check.cudnn(cudnn_h.cudnnSetTensor4dDescriptorEx(d, dataType(dtype), nchw[0], nchw[1], nchw[2], nchw[3], st[0], st[1], st[2], st[3]),
                    "cudnnSetTensor4dDescriptorEx(" + dtype.label() + " " + java.util.Arrays.toString(nchw) + ", strides " + java.util.Arrays.toString(strides) + ")");
        } catch (RuntimeException e) {
            cudnn_h.cudnnDestroyTensorDescriptor(d);
            throw e;
        }
        return d;
    }

    /** A float32 NCHW descriptor with the given batch stride (the other dimensions packed). */
    static MemorySegment tensor(int n, int c, int h, int w, long batchStride) {
        return tensor(new int[]{n, c, h, w}, new long[]{batchStride, (long) h * w, w, 1}, DType.FLOAT32);
    }

    /**
     * A filter descriptor for weights of logical shape [K, C, R, S] of {@code dtype}, stored KCRS (NCHW format) or KRSC
     * (NHWC format: channels-last weights, what cuDNN's fast NHWC kernels want).
     */
    static MemorySegment filter(int k, int c, int r, int s, DType dtype, MemoryFormat format) {
        MemorySegment d = create(cudnn_h::cudnnCreateFilterDescriptor, "cudnnCreateFilterDescriptor");
        try (Arena arena = Arena.ofConfined()) {
            int layout = format == MemoryFormat.NHWC ? cudnn_h.CUDNN_TENSOR_NHWC() : cudnn_h.CUDNN_TENSOR_NCHW();
            Check.cudnn(cudnn_h.cudnnSetFilterNdDescriptor(d, dataType(dtype), layout, 4, arena.allocateFrom(ValueLayout.JAVA_INT, k, c, r, s)),
                    "cudnnSetFilterNdDescriptor(" + dtype.label() + " " + format.label() + " [" + k + ", " + c + ", " + r + ", " + s + "])");
        } catch (RuntimeException e) {
            cudnn_h.cudnnDestroyFilterDescriptor(d);
            throw e;
        }
        return d;
    }

    /** Four ints read back from a cudnnGet*OutputDim-style call. */
    static int[] dims4(Function<MemorySegment[], Integer> call, String function) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] out = new MemorySegment[4];
            for (int i = 0; i < 4; i++) out[i] = arena.allocate(ValueLayout.JAVA_INT);
            Check.cudnn(call.apply(out), function);
            int[] r = new int[4];
            for (int i = 0; i < 4; i++) r[i] = out[i].get(ValueLayout.JAVA_INT, 0);
            return r;
        }
    }

    static MemorySegment ptr(Tensor t) {
        return t == null ? MemorySegment.NULL : MemorySegment.ofAddress(t.address());
    }
}
