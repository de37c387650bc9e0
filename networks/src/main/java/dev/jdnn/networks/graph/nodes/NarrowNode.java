package dev.jdnn.networks.graph.nodes;

import dev.jdnn.networks.Value;

/** Channels [start, start+length) of x as a zero-copy view; its gradient is the same view of x's gradient. */
public final class NarrowNode extends ViewNode {
    private NarrowNode(String path, Value output, int input) {
        super(path, output, input);
    }

    public static Value trace(TraceContext t, Value x, int start, int length) {
        int c = x.shape().rank() >= 2 ? x.shape().dim(1) : -1;
        if (c < 0 || start < 0 || length <= 0 || start + length > c) {
            throw t.error("narrowChannels(start=" + start + ", length=" + length + ") out of range for input " + x.shape());
        }
        NarrowNode n = t.add(new NarrowNode(t.path(), t.newValue(x.shape().with(1, length)), x.id()));
        t.graph().view(n.output.id(), new Alias(x.id(), v -> v.narrow(1, start, length), length == c));
        return n.output;
    }

    @Override
    public String kind() {
        return "narrow";
    }
}
