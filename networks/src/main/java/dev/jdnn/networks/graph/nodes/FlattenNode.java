package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Value;

/** [N, ...] → [N, prod(...)] as a reshape view of a contiguous input (the tracer copies non-contiguous ones first). */
public final class FlattenNode extends ViewNode {
    private FlattenNode(String path, Value output, int input) {
        super(path, output, input);
    }

    public static Value trace(TraceContext t, Value x) {
        Shape s = x.shape();
        Shape flat = Shape.of(s.dim(0), Math.toIntExact(s.numel() / Math.max(1, s.dim(0))));
        FlattenNode n = t.add(new FlattenNode(t.path(), t.newValue(flat), x.id()));
        t.graph().view(n.output.id(), new Alias(x.id(), v -> v.reshape(flat), true));
        return n.output;
    }

    @Override
    public String kind() {
        return "flatten";
    }
}
