package dev.jdnn.networks.graph.trace;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.graph.nodes.Graph;
import dev.jdnn.networks.graph.nodes.PlanCache;
import dev.jdnn.ops.OperandType;

/**
 * Builds the static graph of a module for one input shape and mode: traces its forward (one node per op, shapes
 * checked; see {@link GraphTracer}), drops nodes that reach no output, then rewrites it — concat parts written in
 * place ({@link InPlaceConcat}), fused groups of nodes where the backend fuses them ({@link FuseGroups}), ReLU-like
 * activations overwriting their input ({@link InPlaceActivations}), residual branches taking the sum's gradient as
 * their own ({@link AddPassThrough}). Needs no backend, except to ask which patterns fuse.
 */
public final class GraphBuilder {
    private GraphBuilder() {}

    /** The traced graph, dead nodes pruned, no rewrites: what the model computes, op by op (float32 NCHW activations). */
    public static Graph trace(Layer model, Shape inputShape, boolean training) {
        return trace(model, inputShape, training, OperandType.DEFAULT);
    }

    /** As {@link #trace(Layer, Shape, boolean)} with the activations stored as {@code activations} says. */
    public static Graph trace(Layer model, Shape inputShape, boolean training, OperandType activations) {
        Graph g = GraphTracer.trace(model, inputShape, training, activations);
        g.pruneDeadNodes();
        return g;
    }

    /**
     * The graph a compile plans and runs: traced, pruned and rewritten. {@code fusion}: where the fusion rewrite asks
     * the backend which patterns fuse (and gets their plans), or null for no fusion; {@code activations}: how activations are stored. The parameters must be bound
     * (their alignment decides fusion too).
     */
    public static Graph build(Layer model, Shape inputShape, boolean training, OperandType activations, boolean inPlaceActivations, PlanCache fusion) {
        Graph g = trace(model, inputShape, training, activations);
        InPlaceConcat.apply(g); // first: writing a concat part in place saves a copy, not just memory; fusion then sees the slices
        if (fusion != null) FuseGroups.apply(g, fusion);
        if (inPlaceActivations) InPlaceActivations.apply(g);
        AddPassThrough.apply(g);
        return g;
    }
}
