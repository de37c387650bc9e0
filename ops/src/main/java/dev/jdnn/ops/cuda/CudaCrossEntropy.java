package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.CrossEntropyPlan;
import dev.jdnn.ops.OperandType;

/**
 * Fused softmax cross-entropy with label smoothing (loss.cu): one block per row writes that row's loss and gradient,
 * then one block averages the row losses in double, so the result is deterministic. A label outside [0, C) makes its
 * row loss, and so the mean, NaN (checking on the host would cost a synchronisation per step). Logits of any storage
 * type are computed on in float32; dLogits is written in its own type (the logits' or float32).
 */
final class CudaCrossEntropy implements CrossEntropyPlan {
    private final CudaContext ctx;
    private final int batch, classes;
    private final float labelSmoothing;
    private final OperandType logitsType;
    private final Tensor rowLoss;

    CudaCrossEntropy(CudaContext ctx, int batch, int classes, float labelSmoothing, DType logitsDtype) {
        if (batch <= 0 || classes <= 0) throw new IllegalArgumentException("crossEntropy needs batch > 0 and classes > 0, got " + batch + ", " + classes);
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) throw new IllegalArgumentException("label smoothing must be in [0, 1], got " + labelSmoothing);
        this.ctx = ctx;
        this.batch = batch;
        this.classes = classes;
        this.labelSmoothing = labelSmoothing;
        this.logitsType = OperandType.of(MemoryFormat.NCHW, logitsDtype);
        this.rowLoss = ctx.allocate(Shape.of(batch), DType.FLOAT32);
    }

    @Override public int batch() { return batch; }
    @Override public int classes() { return classes; }
    @Override public float labelSmoothing() { return labelSmoothing; }
    @Override public DType logitsDtype() { return logitsType.dtype(); }

    @Override
    public void forwardBackward(Tensor logits, Tensor labels, Tensor loss, float gradScale, float beta, Tensor dLogits) {
        Shape logitShape = Shape.of(batch, classes);
        Operands.activation("crossEntropy logits", logits, logitShape, logitsType, ctx.device);
        labels.requireDType(DType.INT32).requireDevice(ctx.device, "crossEntropy labels").requireShape(Shape.of(batch), "crossEntropy labels");
        if (!labels.isContiguous()) throw new IllegalArgumentException("crossEntropy labels must be contiguous, got " + labels.describe());
        loss.requireDType(DType.FLOAT32).requireDevice(ctx.device, "crossEntropy loss");
        if (loss.numel() != 1) throw new IllegalArgumentException("crossEntropy loss must hold one element, got " + loss.describe());
        if (dLogits != null) Operands.activationOrFloat("crossEntropy logit gradient", dLogits, logitShape, logitsType, ctx.device);
        ctx.launch.perBlock(Kernel.SOFTMAX_XENT_ROWS, batch, rowsArgs(classes, labelSmoothing, logits, labels, rowLoss, gradScale / batch, beta, dLogits));
        ctx.launch.perBlock(Kernel.MEAN_OF, 1, rowLoss, batch, loss);
    }

    /** softmax_xent_rows's arguments (static, so their kinds are checked against loss.cu without a GPU). */
    static Object[] rowsArgs(int classes, float smoothing, Tensor logits, Tensor labels, Tensor rowLoss, float gradScaleOverN, float beta, Tensor dLogits) {
        return new Object[]{classes, smoothing, KernelOperands.ref(logits), labels, rowLoss, gradScaleOverN, beta, KernelOperands.ref(dLogits)};
    }

    @Override
    public void close() {
        rowLoss.close();
    }
}
