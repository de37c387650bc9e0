package dev.jdnn.ops;

import dev.jdnn.memory.Shape;

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
}
