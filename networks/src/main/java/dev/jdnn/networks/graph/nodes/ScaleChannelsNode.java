package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Value;

/** x * gate with gate [N, C, 1, 1] (squeeze-and-excitation); gradients flow to both x and the gate. */
public final class ScaleChannelsNode extends Node {
    private ScaleChannelsNode(String path, Value output, int x, int gate) {
        super(path, output, x, gate);
    }

    public static Value trace(TraceContext t, Value x, Value gate) {
        Shape s = x.shape();
        if (s.rank() != 4 || !gate.shape().equals(Shape.of(s.dim(0), s.dim(1), 1, 1))) {
            throw t.error("scaleChannels needs x [N, C, H, W] and gate [N, C, 1, 1], got x " + s + " and gate " + gate.shape());
        }
        return t.add(new ScaleChannelsNode(t.path(), t.newValue(s), x.id(), gate.id())).output;
    }

    @Override
    public String kind() {
        return "scaleChannels";
    }

    @Override
    public boolean readsInputInBackward(int i) {
        return true; // dx needs the gate, dgate needs x
    }

    @Override
    public void forward(NodeContext c) {
        c.backend.scaleChannels(c.in[0], c.in[1], c.out);
    }

    @Override
    public void backward(NodeContext c) {
        if (!c.wantsGrad(0) && !c.wantsGrad(1)) return;
        c.backend.scaleChannelsBackward(c.in[0], c.in[1], c.dOut, c.dInBeta[0], c.dIn[0], c.dInBeta[1], c.dIn[1]);
    }
}
