package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;

import java.util.Locale;
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

    /** A fused pattern's operand format: activations and weights in float32, float16 or bfloat16, any layout. */
    static void operandFormat(String pattern, DType dtype, MemoryFormat layout) {
        Objects.requireNonNull(dtype, pattern + " dtype");
        Objects.requireNonNull(layout, pattern + " layout");
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT16 && dtype != DType.BFLOAT16) {
            throw new IllegalArgumentException(pattern + ": activations and weights must be float32, float16 or bfloat16, got " + dtype);
        }
    }

    /** "dtype=bfloat16 layout=nhwc", the operand format part of a fused spec's description. */
    static String format(DType dtype, MemoryFormat layout) {
        return "dtype=" + dtype.name().toLowerCase(Locale.ROOT) + " layout=" + layout.name().toLowerCase(Locale.ROOT);
    }

    /** A convolution's full geometry on one line (the bias flag excluded). */
    static String geometry(Conv2dSpec s) {
        return "input=" + s.batch() + "x" + s.inChannels() + "x" + s.height() + "x" + s.width() + " out=" + s.outChannels()
                + " kernel=" + s.kernelH() + "x" + s.kernelW() + " stride=" + s.strideH() + "x" + s.strideW()
                + " pad=" + s.padH() + "x" + s.padW() + " dilation=" + s.dilationH() + "x" + s.dilationW() + " groups=" + s.groups();
    }
}
