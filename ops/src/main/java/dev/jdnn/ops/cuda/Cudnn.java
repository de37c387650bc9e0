package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudnn.cudnn_h;
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

    /** An NCHW float tensor descriptor with the given batch stride (the other dimensions packed). */
    static MemorySegment tensor(int n, int c, int h, int w, long batchStride) {
        long sample = (long) c * h * w;
        if (batchStride > Integer.MAX_VALUE || sample > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cuDNN tensor descriptors take int strides; batch stride " + batchStride + " is too large");
        }
        MemorySegment d = create(cudnn_h::cudnnCreateTensorDescriptor, "cudnnCreateTensorDescriptor");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dims = arena.allocateFrom(ValueLayout.JAVA_INT, n, c, h, w);
            MemorySegment strides = arena.allocateFrom(ValueLayout.JAVA_INT, (int) batchStride, h * w, w, 1);
            Check.cudnn(cudnn_h.cudnnSetTensorNdDescriptor(d, cudnn_h.CUDNN_DATA_FLOAT(), 4, dims, strides),
                    "cudnnSetTensorNdDescriptor([" + n + ", " + c + ", " + h + ", " + w + "], batch stride " + batchStride + ")");
        } catch (RuntimeException e) {
            cudnn_h.cudnnDestroyTensorDescriptor(d);
            throw e;
        }
        return d;
    }

    static MemorySegment tensor(int[] nchw, long batchStride) {
        return tensor(nchw[0], nchw[1], nchw[2], nchw[3], batchStride);
    }

    /** A contiguous NCHW descriptor. */
    static MemorySegment tensor(int[] nchw) {
        return tensor(nchw, (long) nchw[1] * nchw[2] * nchw[3]);
    }

    /** A KCRS float filter descriptor. */
    static MemorySegment filter(int k, int c, int r, int s) {
        MemorySegment d = create(cudnn_h::cudnnCreateFilterDescriptor, "cudnnCreateFilterDescriptor");
        try (Arena arena = Arena.ofConfined()) {
            Check.cudnn(cudnn_h.cudnnSetFilterNdDescriptor(d, cudnn_h.CUDNN_DATA_FLOAT(), cudnn_h.CUDNN_TENSOR_NCHW(), 4,
                    arena.allocateFrom(ValueLayout.JAVA_INT, k, c, r, s)), "cudnnSetFilterNdDescriptor([" + k + ", " + c + ", " + r + ", " + s + "])");
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
