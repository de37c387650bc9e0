package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;

import java.util.Objects;

/** Shared argument checks for the op specs. */
final class Specs {
    private Specs() {}

    static void positive(String name, int value) {
        if (value <= 0) throw new IllegalArgumentException(name + " must be positive, got " + value);
    }

    static Shape nchw(String op, Shape s) {
        if (s.rank() != 4) throw new IllegalArgumentException(op + " expects an NCHW (rank 4) shape, got " + s);
        return s;
    }

    /** A plan's operand type: present, and fitting its shape (NHWC needs rank 4). */
    static void operands(String op, Shape shape, OperandType operands) {
        Objects.requireNonNull(operands, op + " operand type");
        operands.requireFits(op, shape);
    }

    /**
     * "dtype=bfloat16 layout=nhwc", the operand format part of a fused spec's description. The word stays "layout": the
     * description is the key of stored engine choices (FusedEngineStore), and renaming it would orphan them.
     */
    static String format(DType dtype, MemoryFormat format) {
        return "dtype=" + dtype.label() + " layout=" + format.label();
    }
}
