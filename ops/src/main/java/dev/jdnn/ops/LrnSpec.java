package dev.jdnn.ops;

import dev.jdnn.memory.Shape;

/**
 * Cross-channel local response normalisation as PyTorch's LocalResponseNorm (and cuDNN's LRN_CROSS_CHANNEL_DIM1):
 * y = x / (k + alpha/size * sum_{window} x²)^beta, window of {@code size} channels centred on c. Every operand is
 * {@code operands}.
 */
public record LrnSpec(Shape shape, int size, double alpha, double beta, double k, OperandType operands) {
    public LrnSpec {
        Specs.nchw("lrn", shape);
        Specs.positive("lrn size", size);
        Specs.operands("lrn", shape, operands);
    }

    /** Float32 NCHW operands. */
    public LrnSpec(Shape shape, int size, double alpha, double beta, double k) {
        this(shape, size, alpha, beta, k, OperandType.DEFAULT);
    }

    /** "lrn shape=[8, 96, 55, 55] size=5 alpha=1.0E-4 beta=0.75 k=2.0 float32 nchw", for messages. */
    @Override
    public String toString() {
        return "lrn shape=" + shape + " size=" + size + " alpha=" + alpha + " beta=" + beta + " k=" + k + " " + operands.describe();
    }

    public LrnSpec with(OperandType newOperands) {
        return new LrnSpec(shape, size, alpha, beta, k, newOperands);
    }
}
