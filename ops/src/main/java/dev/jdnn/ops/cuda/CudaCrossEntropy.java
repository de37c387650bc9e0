package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.CrossEntropyPlan;

/**
 * Fused softmax cross-entropy with label smoothing (loss.cu): one block per row writes that row's loss and gradient,
 * then one block averages the row losses in double, so the result is deterministic. A label outside [0, C) makes its
 * row loss, and so the mean, NaN (checking on the host would cost a synchronisation per step).
 */
final class CudaCrossEntropy implements CrossEntropyPlan {
    private final CudaContext ctx;
    private final int batch, classes;
    private final float labelSmoothing;
    private final Tensor rowLoss;

    CudaCrossEntropy(CudaContext ctx, int batch, int classes, float labelSmoothing) {
        if (batch <= 0 || classes <= 0) throw new IllegalArgumentException("crossEntropy needs batch > 0 and classes > 0, got " + batch + ", " + classes);
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) throw new IllegalArgumentException("label smoothing must be in [0, 1], got " + labelSmoothing);
        this.ctx = ctx;
        this.batch = batch;
        this.classes = classes;
        this.labelSmoothing = labelSmoothing;
        this.rowLoss = ctx.allocate(Shape.of(batch), DType.FLOAT32);
    }

    @Override public int batch() { return batch; }
    @Override public int classes() { return classes; }
    @Override public float labelSmoothing() { return labelSmoothing; }

    @Override
    public void forwardBackward(Tensor logits, Tensor labels, Tensor loss, float gradScale, float beta, Tensor dLogits) {
        Shape logitShape = Shape.of(batch, classes);
        Operands.batched("crossEntropy logits", logits, logitShape, ctx.device);
        labels.requireDType(DType.INT32).requireDevice(ctx.device, "crossEntropy labels").requireShape(Shape.of(batch), "crossEntropy labels");
        if (!labels.isContiguous()) throw new IllegalArgumentException("crossEntropy labels must be contiguous, got " + labels.describe());
        loss.requireDType(DType.FLOAT32).requireDevice(ctx.device, "crossEntropy loss");
        if (loss.numel() != 1) throw new IllegalArgumentException("crossEntropy loss must hold one element, got " + loss.describe());
        if (dLogits != null) Operands.batched("crossEntropy logit gradient", dLogits, logitShape, ctx.device);
        long dStride = dLogits == null ? classes : CudaPointwise.batchStride(dLogits);
        ctx.launch.perBlock(Kernel.SOFTMAX_XENT_ROWS, batch, classes, labelSmoothing, logits, CudaPointwise.batchStride(logits), labels,
                rowLoss, gradScale / batch, beta, dLogits, dStride);
        ctx.launch.perBlock(Kernel.MEAN_OF, 1, rowLoss, batch, loss);
    }

    @Override
    public void close() {
        rowLoss.close();
    }
}
