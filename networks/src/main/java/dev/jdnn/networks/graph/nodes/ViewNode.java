package dev.jdnn.networks.graph.nodes;

import dev.jdnn.networks.Value;

/**
 * A node whose output is a zero-copy view of its input, gradient included (the tracer registers the alias with
 * {@link Graph#view}): it runs nothing and moves no bytes, forward or backward, and cannot write into another
 * tensor's slice.
 */
public abstract class ViewNode extends Node {
    protected ViewNode(String path, Value output, int input) {
        super(path, output, input);
    }

    @Override
    public final boolean canWriteStridedOutput() {
        return false;
    }

    @Override
    public final long forwardBytes(NodeContext c) {
        return 0;
    }

    @Override
    public final long backwardBytes(NodeContext c) {
        return 0;
    }

    @Override
    public final void forward(NodeContext c) {}

    @Override
    public final void backward(NodeContext c) {}
}
