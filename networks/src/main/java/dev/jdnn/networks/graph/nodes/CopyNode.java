package dev.jdnn.networks.graph.nodes;


import dev.jdnn.networks.Value;

/** A contiguous copy of a strided value, for ops that need contiguous operands (Linear, the loss, flatten). */
public final class CopyNode extends Node {
    private CopyNode(String path, Value output, int input) {
        super(path, output, input);
    }

    public static Value trace(TraceContext t, Value x) {
        return t.add(new CopyNode(t.path(), t.newValue(x.shape()), x.id())).output;
    }

    @Override
    public String kind() {
        return "copy";
    }

    @Override
    public void forward(NodeContext c) {
        c.backend.copy(c.in[0], c.out);
    }

    @Override
    public void backward(NodeContext c) {
        if (c.wantsGrad(0)) c.accumulate(c.dOut, 0);
    }
}
