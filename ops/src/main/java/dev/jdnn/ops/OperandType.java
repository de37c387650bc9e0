package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

import java.util.Objects;

/**
 * What a plan is made for besides its geometry: the memory format and the storage dtype of its <em>activation</em>
 * operands — inputs, outputs and their gradients, and a convolution's weight (copy). Which operands are activations
 * and which stay float32 (per-channel vectors, weight gradients, losses) is the mixed-precision table of the package
 * documentation. Shapes stay logical NCHW whatever the format; NHWC needs rank-4 shapes.
 *
 * @param format NCHW (batch-strided views allowed) or NHWC (pixel-strided views allowed); see {@link MemoryFormat#holds}
 * @param dtype  FLOAT32, BFLOAT16 or FLOAT16 storage; arithmetic is float32 in every case
 */
public record OperandType(MemoryFormat format, DType dtype) {
    /** Float32 NCHW: what every plan was made for before formats and precisions existed. */
    public static final OperandType DEFAULT = new OperandType(MemoryFormat.NCHW, DType.FLOAT32);

    public OperandType {
        Objects.requireNonNull(format, "operand format");
        Objects.requireNonNull(dtype, "operand dtype");
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException("activations are stored as float32, bfloat16 or float16, got " + dtype);
    }

    public static OperandType of(MemoryFormat format, DType dtype) {
        return new OperandType(format, dtype);
    }

    public boolean isDefault() {
        return equals(DEFAULT);
    }

    /** Throws, naming the op, unless a plan of this type can run on {@code shape} (NHWC needs rank 4). */
    public void requireFits(String op, Shape shape) {
        if (format == MemoryFormat.NHWC && shape.rank() != 4) {
            throw new IllegalArgumentException(op + ": NHWC operands need a rank-4 (logical NCHW) shape, got " + shape);
        }
    }

    /** True when {@code t} has this dtype and lies in this format (densely or as a batch-/pixel-strided view). */
    public boolean holds(Tensor t) {
        return t.dtype() == dtype && format.holds(t);
    }

    /** "bfloat16 nhwc", as messages and reports write it. */
    public String describe() {
        return dtype.label() + " " + format.label();
    }
}
