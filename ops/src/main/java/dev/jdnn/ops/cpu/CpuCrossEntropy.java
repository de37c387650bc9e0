package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.CrossEntropyPlan;
import dev.jdnn.ops.cpu.HostTensors.Rows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Fused log-softmax + cross-entropy with PyTorch's label smoothing: per sample
 * loss = -(1-ε)·log p[label] - ε/C·Σ_j log p[j], averaged over the batch; dLogits = (p - target)·gradScale/N.
 */
final class CpuCrossEntropy implements CrossEntropyPlan {
    private final int batch, classes;
    private final float smoothing;
    private final Shape logitsShape;
    private final double[] sampleLoss; // per-sample losses, summed in order for a thread-count-independent result

    CpuCrossEntropy(int batch, int classes, float labelSmoothing) {
        if (batch <= 0 || classes <= 0) throw new IllegalArgumentException("crossEntropy: batch and classes must be positive, got " + batch + " and " + classes);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        this.batch = batch;
        this.classes = classes;
        this.smoothing = labelSmoothing;
        this.logitsShape = Shape.of(batch, classes);
        this.sampleLoss = new double[batch];
    }

    @Override public int batch() { return batch; }
    @Override public int classes() { return classes; }
    @Override public float labelSmoothing() { return smoothing; }

    @Override
    public synchronized void forwardBackward(Tensor logits, Tensor labels, Tensor loss, float gradScale, float beta, Tensor dLogits) {
        Rows rx = Rows.perSample(HostTensors.batched("crossEntropy logits", logits, logitsShape));
        HostTensors.typed("crossEntropy labels", labels, DType.INT32).requireShape(Shape.of(batch), "crossEntropy labels");
        Operands.requireContiguous("crossEntropy labels", labels);
        HostTensors.floats("crossEntropy loss", loss);
        if (loss.numel() != 1) throw new IllegalArgumentException("crossEntropy loss: expected a 1-element tensor, got " + loss.describe());
        Rows rd = dLogits == null ? null : Rows.perSample(HostTensors.batched("crossEntropy dLogits", dLogits, logitsShape));
        MemorySegment ls = HostTensors.seg(labels);
        for (int n = 0; n < batch; n++) {
            int l = ls.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, labels.offset() + n);
            if (l < 0 || l >= classes) throw new IllegalArgumentException("crossEntropy: label " + l + " of sample " + n + " is outside [0, " + classes + ")");
        }
        float onTarget = 1 - smoothing, offTarget = smoothing / classes, gradFactor = gradScale / batch;
        Runs.items(batch, 4L * classes, n -> {
            MemorySegment xs = rx.seg();
            long xo = rx.at(n);
            int l = ls.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, labels.offset() + n);
            float max = CpuSoftmax.rowMax(xs, xo, classes);
            double sumExp = 0, sumLogits = 0;
            for (int j = 0; j < classes; j++) {
                float v = Vec.get(xs, xo + j);
                sumExp += Math.exp(v - max);
                sumLogits += v;
            }
            double logZ = max + Math.log(sumExp);
            // -Σ_j target_j·log p_j with log p_j = x_j - logZ
            sampleLoss[n] = -onTarget * (Vec.get(xs, xo + l) - logZ) - offTarget * (sumLogits - classes * logZ);
            if (rd == null) return;
            long dO = rd.at(n);
            for (int j = 0; j < classes; j++) {
                double p = Math.exp(Vec.get(xs, xo + j) - logZ);
                float g = (float) ((p - offTarget - (j == l ? onTarget : 0)) * gradFactor);
                Vec.set(rd.seg(), dO + j, beta == 0f ? g : g + beta * Vec.get(rd.seg(), dO + j));
            }
        });
        double total = 0;
        for (double v : sampleLoss) total += v;
        Vec.set(HostTensors.seg(loss), loss.offset(), (float) (total / batch));
    }
}
