package dev.jdnn.networks.graph.nodes;

import dev.jdnn.networks.Value;

/**
 * The model input, uploaded as float32 NCHW (host batches as they come), cast once per batch into the compile's
 * activation format and dtype ({@link dev.jdnn.ops.Backend#cast}: recordable like any op). Only traced when they
 * differ. Nothing flows back: the model input has no gradient.
 */
public final class CastNode extends Node {
    private CastNode(String path, Value output, int input) {
        super(path, output, input);
    }

    public static Value trace(TraceContext t, Value x) {
        return t.add(new CastNode(t.path(), t.newValue(x.shape()), x.id())).output;
    }

    /** Only non-default compiles have it: it must not move the random streams' seeds. */
    @Override
    public boolean takesTracePosition() {
        return false;
    }

    @Override
    public String kind() {
        return "cast(input)";
    }

    @Override
    public void forward(NodeContext c) {
        c.backend.cast(c.in[0], c.out);
    }

    @Override
    public void backward(NodeContext c) {
        if (c.wantsGrad(0)) throw new IllegalStateException(this + ": the model input has no gradient");
    }
}
