package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.SoftmaxPlan;

import static dev.jdnn.ops.cuda.Cudnn.ptr;

/**
 * Softmax / log-softmax over dimension 1 on cuDNN (ACCURATE or LOG, MODE_INSTANCE on [N, C, 1, 1]), in float32: y and
 * dy are float32. A bfloat16/float16 input is first cast into a plan-owned float32 [N, C] scratch, and its gradient is
 * computed there and then rounded into dx (add_scaled applies alpha and beta).
 */
final class CudaSoftmax implements SoftmaxPlan {
    private final CudaContext ctx;
    private final Shape shape;
    private final boolean log;
    private final OperandType input;
    private final TensorDescriptors descs; // float32 [N, C]: y, dy, and x when it is float32
    private final Tensor scratch;          // float32 copy of a half-precision x, and its gradient; null for float32
    private final int algo;

    CudaSoftmax(CudaContext ctx, Shape shape, boolean log, DType inputDtype) {
        if (shape.rank() != 2) throw new IllegalArgumentException("softmax expects [N, C], got " + shape);
        this.ctx = ctx;
        this.shape = shape;
        this.log = log;
        this.input = OperandType.of(MemoryFormat.NCHW, inputDtype);
        this.descs = new TensorDescriptors(log ? "logSoftmax" : "softmax", shape, ctx.device);
        this.scratch = inputDtype == DType.FLOAT32 ? null : ctx.allocate(shape, DType.FLOAT32);
        this.algo = log ? cudnn_h.CUDNN_SOFTMAX_LOG() : cudnn_h.CUDNN_SOFTMAX_ACCURATE();
    }

    @Override public Shape shape() { return shape; }
    @Override public boolean log() { return log; }
    @Override public DType inputDtype() { return input.dtype(); }

    @Override
    public void forward(Tensor x, Tensor y) {
        ctx.ensureContext();
        Operands.activation(log ? "logSoftmax x" : "softmax x", x, shape, input, ctx.device);
        Tensor in = x;
        if (scratch != null) {
            CudaPointwise.cast(ctx, x, scratch);
            in = scratch;
        }
        ctx.cudnn("cudnnSoftmaxForward " + shape, cudnn_h.cudnnSoftmaxForward(ctx.cudnn, algo, cudnn_h.CUDNN_SOFTMAX_MODE_INSTANCE(),
                ctx.alpha(1f), descs.of(in), ptr(in), ctx.beta(0f), descs.of(y), ptr(y)));
    }

    @Override
    public void backward(float alpha, Tensor y, Tensor dy, float beta, Tensor dx) {
        ctx.ensureContext();
        Operands.activation(log ? "logSoftmax dx" : "softmax dx", dx, shape, input, ctx.device);
        if (scratch == null) {
            ctx.cudnn("cudnnSoftmaxBackward " + shape, cudnn_h.cudnnSoftmaxBackward(ctx.cudnn, algo, cudnn_h.CUDNN_SOFTMAX_MODE_INSTANCE(),
                    ctx.alpha(alpha), descs.of(y), ptr(y), descs.of(dy), ptr(dy), ctx.beta(beta), descs.of(dx), ptr(dx)));
            return;
        }
        ctx.cudnn("cudnnSoftmaxBackward " + shape, cudnn_h.cudnnSoftmaxBackward(ctx.cudnn, algo, cudnn_h.CUDNN_SOFTMAX_MODE_INSTANCE(),
                ctx.alpha(1f), descs.of(y), ptr(y), descs.of(dy), ptr(dy), ctx.beta(0f), descs.of(scratch), ptr(scratch)));
        CudaPointwise.addScaled(ctx, alpha, scratch, beta, dx);
    }

    @Override
    public void close() {
        descs.close();
        if (scratch != null) scratch.close();
    }
}
