package dev.jdnn.networks.layers;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.graph.GraphTracer;

/** Where leaf layers hand themselves to the graph layer, which records one node per leaf. */
final class Layers {
    private Layers() {}

    static Value trace(Tracer t, Layer leaf, Value x) {
        if (t instanceof GraphTracer g) return g.leaf(leaf, x);
        throw new IllegalArgumentException(leaf + " can only be traced by the graph layer's tracer, not by " + t.getClass().getName());
    }
}
