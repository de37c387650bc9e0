package dev.jdnn.ops;

import dev.jdnn.memory.Shape;

/**
 * A dropout plan's settings, checked once for every backend: the shape it runs on, the drop probability in [0, 1)
 * and the seed of its counter-based stream ({@link DropoutStream}), with the values both backends' kernels use.
 */
public record DropoutSpec(Shape shape, float probability, long seed) {
    public DropoutSpec {
        if (shape == null) throw new IllegalArgumentException("dropout shape is null");
        if (!(probability >= 0f && probability < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + probability);
    }

    /** 1 / (1 - p): what kept elements are multiplied by. */
    public float scale() {
        return 1f / (1f - probability);
    }

    /** The stream's keep threshold for p ({@link DropoutStream#threshold}). */
    public int threshold() {
        return DropoutStream.threshold(probability);
    }

    /** The mask: one byte per element. */
    public long reserveBytes() {
        return shape.numel();
    }
}
