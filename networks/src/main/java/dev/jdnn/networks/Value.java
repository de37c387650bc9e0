package dev.jdnn.networks;

import dev.jdnn.memory.Shape;

/** A symbolic tensor while tracing: the output of one graph node, with its inferred shape. */
public final class Value {
    private final int id;
    private final Shape shape;

    public Value(int id, Shape shape) {
        this.id = id;
        this.shape = shape;
    }

    public int id() { return id; }
    public Shape shape() { return shape; }
    public int dim(int i) { return shape.dim(i); }

    @Override
    public String toString() {
        return "%" + id + shape;
    }
}
