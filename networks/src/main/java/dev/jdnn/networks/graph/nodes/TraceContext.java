package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Value;

/**
 * What a node's trace factory records into: the graph being traced, seen from the module being traced. Each node
 * kind's {@code trace} checks its operands' shapes, reports mistakes with {@link #error} (which names the module
 * path), and adds itself with its inferred output; the tracer ({@code graph.trace}) provides this.
 */
public interface TraceContext {
    /** The graph being recorded (the training or the evaluation graph). */
    Graph graph();

    /** The dotted path of the module being traced ("" for the root). */
    String path();

    /** An exception naming the module path and its class, e.g. "layer2.0.conv1 (Conv2d): ...". */
    IllegalArgumentException error(String message);

    /** A new value of the graph, to be some node's output. */
    Value newValue(Shape shape);

    /** Appends a node (in execution order) and returns it. */
    <N extends Node> N add(N node);
}
