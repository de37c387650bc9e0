package dev.jdnn.networks.graph.nodes;

import dev.jdnn.networks.Value;

/** a + b of equal shapes (residual connections); the gradient passes to both operands unchanged. */
public final class AddNode extends Node {
    private AddNode(String path, Value output, int a, int b) {
        super(path, output, a, b);
    }

    public static Value trace(TraceContext t, Value a, Value b) {
        if (!a.shape().equals(b.shape())) throw t.error("add of different shapes " + a.shape() + " and " + b.shape());
        return t.add(new AddNode(t.path(), t.newValue(a.shape()), a.id(), b.id())).output;
    }

    @Override
    public String kind() {
        return "add";
    }

    @Override
    public void forward(NodeContext c) {
        c.backend.add(c.in[0], c.in[1], c.out);
    }

    @Override
    public void backward(NodeContext c) {
        for (int i = 0; i < 2; i++) if (c.wantsGrad(i)) c.accumulate(c.dOut, i);
    }
}
