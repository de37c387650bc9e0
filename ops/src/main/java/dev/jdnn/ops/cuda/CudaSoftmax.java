package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.SoftmaxPlan;

import static dev.jdnn.ops.cuda.Cudnn.ptr;

/** Softmax / log-softmax over dimension 1 on cuDNN (ACCURATE or LOG, MODE_INSTANCE on [N, C, 1, 1]). */
final class CudaSoftmax implements SoftmaxPlan {
    private final CudaContext ctx;
    private final Shape shape;
    private final boolean log;
    private final TensorDescriptors descs;
    private final int algo;

    CudaSoftmax(CudaContext ctx, Shape shape, boolean log) {
        if (shape.rank() != 2) throw new IllegalArgumentException("softmax expects [N, C], got " + shape);
        this.ctx = ctx;
        this.shape = shape;
        this.log = log;
        this.descs = new TensorDescriptors(log ? "logSoftmax" : "softmax", shape, ctx.device);
        this.algo = log ? cudnn_h.CUDNN_SOFTMAX_LOG() : cudnn_h.CUDNN_SOFTMAX_ACCURATE();
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public boolean log() {
        return log;
    }

    @Override
    public void forward(Tensor x, Tensor y) {
        ctx.ensureContext();
        ctx.cudnn("cudnnSoftmaxForward " + shape, cudnn_h.cudnnSoftmaxForward(ctx.cudnn, algo, cudnn_h.CUDNN_SOFTMAX_MODE_INSTANCE(),
                ctx.alpha(1f), descs.of(x), ptr(x), ctx.beta(0f), descs.of(y), ptr(y)));
    }

    @Override
    public void backward(float alpha, Tensor y, Tensor dy, float beta, Tensor dx) {
        ctx.ensureContext();
        ctx.cudnn("cudnnSoftmaxBackward " + shape, cudnn_h.cudnnSoftmaxBackward(ctx.cudnn, algo, cudnn_h.CUDNN_SOFTMAX_MODE_INSTANCE(),
                ctx.alpha(alpha), descs.of(y), ptr(y), descs.of(dy), ptr(dy), ctx.beta(beta), descs.of(dx), ptr(dx)));
    }

    @Override
    public void close() {
        descs.close();
    }
}
