package dev.jdnn.networks.graph;

import dev.jdnn.networks.graph.nodes.Graph;
import dev.jdnn.networks.graph.trace.GraphBuilder;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;

import java.util.List;

/**
 * A model traced for an input shape without any backend: the graph {@link CompiledModel#compile} would build, as
 * one row per op, with shapes checked exactly as a compile checks them (errors name the module path) and each op's
 * multiply-accumulates over the whole batch (conv and linear layers, torchvision's convention). Ops that reach no
 * output (an auxiliary head traced into the evaluation graph) are left out, as the compiled graph leaves them out.
 *
 * @param output           the main output's shape ([N, classes])
 * @param auxiliaryOutputs the auxiliary heads' outputs (training graph only)
 * @param auxiliaryWeights their loss weights
 * @param ops              every op in execution order
 */
public record ModelTrace(Shape output, List<Shape> auxiliaryOutputs, List<Float> auxiliaryWeights, List<Op> ops) {
    /** One op: its kind ("conv2d", "batchnorm(train)", ...), the module path it came from, its output and cost. */
    public record Op(String kind, String path, Shape output, long macs) {}

    /** Traces {@code model} on an input of {@code input} (NCHW) into its training or evaluation graph. */
    public static ModelTrace of(Layer model, Shape input, boolean training) {
        Graph g = GraphBuilder.trace(model, input, training);
        List<Op> ops = g.nodes().stream().map(n -> new Op(n.kind(), n.path, n.output.shape(), n.macs())).toList();
        return new ModelTrace(g.output.shape(), g.auxOutputs().stream().map(a -> a.logits().shape()).toList(),
                g.auxOutputs().stream().map(Graph.AuxOutput::weight).toList(), ops);
    }

    /** Multiply-accumulates of the whole forward, for the whole batch. */
    public long macs() {
        return ops.stream().mapToLong(Op::macs).sum();
    }
}
