package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.LrnPlan;
import dev.jdnn.ops.LrnSpec;

import java.lang.foreign.MemorySegment;

import static dev.jdnn.ops.cuda.Cudnn.ptr;

/**
 * Cross-channel LRN as PyTorch's LocalResponseNorm. cuDNN (LRN_CROSS_CHANNEL_DIM1) runs it when its window is
 * PyTorch's: cudnn_ops.h documents the window of cudnnSetLRNDescriptor as [c - floor((n-1)/2), c + n - 1 - floor((n-1)/2)],
 * while PyTorch's is [c - n/2, c + (n-1)/2]; the two agree only for odd n. Even sizes, and specs outside cuDNN's limits
 * (n > 16, k < CUDNN_LRN_MIN_K, beta < CUDNN_LRN_MIN_BETA), run the NVRTC kernels in lrn.cu, and so do NHWC operands
 * (cuDNN documents its cross-channel LRN for NCHW). Half-precision storage runs on either path.
 */
final class CudaLrn implements LrnPlan {
    private final CudaContext ctx;
    private final LrnSpec spec;
    private final TensorDescriptors descs; // cuDNN path only
    private final MemorySegment lrn;       // NULL on the kernel path
    private boolean closed;

    CudaLrn(CudaContext ctx, LrnSpec spec) {
        this.ctx = ctx;
        this.spec = spec;
        if (usesCudnn(spec)) {
            this.lrn = lrnDescriptor(spec);
            try {
                this.descs = new TensorDescriptors("lrn", spec.shape(), spec.operands(), ctx.device);
            } catch (RuntimeException e) {
                cudnn_h.cudnnDestroyLRNDescriptor(lrn); // not leaked when the tensor descriptors fail
                throw e;
            }
        } else {
            this.lrn = MemorySegment.NULL;
            this.descs = null;
        }
    }

    /** Whether cuDNN computes exactly this spec: NCHW, an odd window (centred as in PyTorch) within cuDNN's limits. */
    static boolean usesCudnn(LrnSpec spec) {
        return spec.operands().format() == dev.jdnn.memory.MemoryFormat.NCHW && spec.size() % 2 == 1 && spec.size() >= Cudnn.LRN_MIN_N && spec.size() <= Cudnn.LRN_MAX_N
                && spec.k() >= Cudnn.LRN_MIN_K && spec.beta() >= Cudnn.LRN_MIN_BETA;
    }

    static MemorySegment lrnDescriptor(LrnSpec spec) {
        MemorySegment d = Cudnn.create(cudnn_h::cudnnCreateLRNDescriptor, "cudnnCreateLRNDescriptor");
        try {
            Check.cudnn(cudnn_h.cudnnSetLRNDescriptor(d, spec.size(), spec.alpha(), spec.beta(), spec.k()), "cudnnSetLRNDescriptor(" + spec + ")");
        } catch (RuntimeException e) {
            cudnn_h.cudnnDestroyLRNDescriptor(d);
            throw e;
        }
        return d;
    }

    @Override
    public LrnSpec spec() {
        return spec;
    }

    /** lrn.cu's leading arguments: the walk over the output, size, alpha/size (as CpuLrn rounds it), beta, k. */
    private static Object[] geometry(LrnSpec spec, Tensor out) {
        return new Object[]{KernelOperands.walk(spec.operands().format(), out), spec.size(),
                (float) (spec.alpha() / spec.size()), (float) spec.beta(), (float) spec.k()};
    }

    /** The lrn_forward arguments (static, so their kinds are checked against the source without a GPU). */
    static Object[] forwardArgs(LrnSpec spec, float alpha, Tensor x, float beta, Tensor y) {
        return concat(geometry(spec, y), alpha, KernelOperands.ref(x), beta, KernelOperands.ref(y));
    }

    static Object[] backwardArgs(LrnSpec spec, float alpha, Tensor x, Tensor dy, float beta, Tensor dx) {
        return concat(geometry(spec, dx), alpha, KernelOperands.ref(x), KernelOperands.ref(dy), beta, KernelOperands.ref(dx));
    }

    private static Object[] concat(Object[] head, Object... tail) {
        Object[] r = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, r, head.length, tail.length);
        return r;
    }

    @Override
    public void forward(float alpha, Tensor x, float beta, Tensor y) {
        ctx.ensureContext();
        if (descs != null) {
            ctx.cudnn("cudnnLRNCrossChannelForward " + spec, cudnn_h.cudnnLRNCrossChannelForward(ctx.cudnn, lrn, cudnn_h.CUDNN_LRN_CROSS_CHANNEL_DIM1(),
                    ctx.alpha(alpha), descs.of(x), ptr(x), ctx.beta(beta), descs.of(y), ptr(y)));
            return;
        }
        Operands.activation("lrn input", x, spec.shape(), spec.operands(), ctx.device);
        Operands.activation("lrn output", y, spec.shape(), spec.operands(), ctx.device);
        ctx.launch.elementwise(Kernel.LRN_FORWARD, x.numel(), forwardArgs(spec, alpha, x, beta, y));
    }

    @Override
    public void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        ctx.ensureContext();
        if (descs != null) {
            ctx.cudnn("cudnnLRNCrossChannelBackward " + spec, cudnn_h.cudnnLRNCrossChannelBackward(ctx.cudnn, lrn, cudnn_h.CUDNN_LRN_CROSS_CHANNEL_DIM1(),
                    ctx.alpha(alpha), descs.of(y), ptr(y), descs.of(dy), ptr(dy), descs.of(x), ptr(x), ctx.beta(beta), descs.of(dx), ptr(dx)));
            return;
        }
        Operands.activation("lrn input", x, spec.shape(), spec.operands(), ctx.device);
        Operands.activation("lrn output gradient", dy, spec.shape(), spec.operands(), ctx.device);
        Operands.activation("lrn input gradient", dx, spec.shape(), spec.operands(), ctx.device);
        ctx.launch.elementwise(Kernel.LRN_BACKWARD, x.numel(), backwardArgs(spec, alpha, x, dy, beta, dx));
    }

    /** Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (descs != null) descs.close();
        if (!lrn.equals(MemorySegment.NULL)) cudnn_h.cudnnDestroyLRNDescriptor(lrn);
    }
}
