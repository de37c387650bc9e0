package dev.jdnn.ops;

import dev.jdnn.memory.Shape;

/**
 * Spatial batch normalisation over N, H, W per channel. Training normalises with the biased batch variance and
 * updates running_var with the unbiased one, as PyTorch does: running = (1 - momentum) * running + momentum * batch.
 */
public record BatchNormSpec(Shape shape, double eps, double momentum) {
    public BatchNormSpec {
        Specs.nchw("batchNorm", shape);
        if (!(eps > 0)) throw new IllegalArgumentException("batchNorm eps must be > 0, got " + eps);
        if (momentum < 0 || momentum > 1) throw new IllegalArgumentException("batchNorm momentum must be in [0, 1], got " + momentum);
    }
    public int channels() { return shape.dim(1); }
    public Shape paramShape() { return Shape.of(shape.dim(1)); }
}
