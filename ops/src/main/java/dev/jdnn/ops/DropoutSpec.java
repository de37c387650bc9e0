package dev.jdnn.ops;

import dev.jdnn.memory.Shape;

/**
 * A dropout plan's settings, checked once for every backend: the shape it runs on, the drop probability in [0, 1),
 * the seed of its counter-based stream ({@link DropoutStream}) and the operands' format and dtype, with the values
 * both backends' kernels use. The mask is indexed by the logical (NCHW row-major) element index, so it is the same in
 * either format.
 */
public record DropoutSpec(Shape shape, float probability, long seed, OperandType operands) {
    public DropoutSpec {
        if (shape == null) throw new IllegalArgumentException("dropout shape is null");
        if (!(probability >= 0f && probability < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + probability);
        Specs.operands("dropout", shape, operands);
    }

    /** Float32 NCHW operands. */
    public DropoutSpec(Shape shape, float probability, long seed) {
        this(shape, probability, seed, OperandType.DEFAULT);
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
