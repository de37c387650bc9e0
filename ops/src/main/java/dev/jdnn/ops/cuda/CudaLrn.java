package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LrnPlan;
import dev.jdnn.ops.LrnSpec;

import java.lang.foreign.MemorySegment;

import static dev.jdnn.ops.cuda.Cudnn.ptr;

/** Cross-channel LRN on cuDNN (LRN_CROSS_CHANNEL_DIM1), whose formula is PyTorch's LocalResponseNorm. */
final class CudaLrn implements LrnPlan {
    private final CudaContext ctx;
    private final LrnSpec spec;
    private final TensorDescriptors descs;
    private final MemorySegment lrn;

    CudaLrn(CudaContext ctx, LrnSpec spec) {
        if (spec.size() < Cudnn.LRN_MIN_N || spec.size() > Cudnn.LRN_MAX_N) {
            throw new IllegalArgumentException("cuDNN LRN window must be " + Cudnn.LRN_MIN_N + ".." + Cudnn.LRN_MAX_N + " channels, got " + spec.size());
        }
        this.ctx = ctx;
        this.spec = spec;
        this.lrn = lrnDescriptor(spec);
        this.descs = new TensorDescriptors("lrn", spec.shape(), ctx.device);
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

    @Override
    public void forward(float alpha, Tensor x, float beta, Tensor y) {
        ctx.cudnn("cudnnLRNCrossChannelForward " + spec, cudnn_h.cudnnLRNCrossChannelForward(ctx.cudnn, lrn, cudnn_h.CUDNN_LRN_CROSS_CHANNEL_DIM1(),
                ctx.alpha(alpha), descs.of(x), ptr(x), ctx.beta(beta), descs.of(y), ptr(y)));
    }

    @Override
    public void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        ctx.cudnn("cudnnLRNCrossChannelBackward " + spec, cudnn_h.cudnnLRNCrossChannelBackward(ctx.cudnn, lrn, cudnn_h.CUDNN_LRN_CROSS_CHANNEL_DIM1(),
                ctx.alpha(alpha), descs.of(y), ptr(y), descs.of(dy), ptr(dy), descs.of(x), ptr(x), ctx.beta(beta), descs.of(dx), ptr(dx)));
    }

    @Override
    public void close() {
        descs.close();
        cudnn_h.cudnnDestroyLRNDescriptor(lrn);
    }
}
