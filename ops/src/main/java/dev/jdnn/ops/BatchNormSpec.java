package dev.jdnn.ops;

import dev.jdnn.memory.Shape;

/**
 * Spatial batch normalisation over N, H, W per channel. Training normalises with the biased batch variance and
 * updates running_var with the unbiased one, as PyTorch does: running = (1 - momentum) * running + momentum * batch.
 * x, y and their gradients are {@code operands}; gamma, beta, the running and saved statistics and the parameter
 * gradients are float32 [C], and the statistics are accumulated in float32 (or wider).
 */
public record BatchNormSpec(Shape shape, double eps, double momentum, OperandType operands) {
    public BatchNormSpec {
        Specs.nchw("batchNorm", shape);
        Specs.operands("batchNorm", shape, operands);
        if (!(eps > 0)) throw new IllegalArgumentException("batchNorm eps must be > 0, got " + eps);
        if (momentum < 0 || momentum > 1) throw new IllegalArgumentException("batchNorm momentum must be in [0, 1], got " + momentum);
    }
    /** Float32 NCHW operands. */
    public BatchNormSpec(Shape shape, double eps, double momentum) {
        this(shape, eps, momentum, OperandType.DEFAULT);
    }

    public BatchNormSpec with(OperandType newOperands) {
        return new BatchNormSpec(shape, eps, momentum, newOperands);
    }

    public int channels() { return shape.dim(1); }
    public Shape paramShape() { return Shape.of(shape.dim(1)); }
}
