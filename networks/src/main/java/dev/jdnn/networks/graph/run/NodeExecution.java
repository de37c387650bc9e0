package dev.jdnn.networks.graph.run;

import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.networks.graph.nodes.NodeContext;

/**
 * How an {@link ExecutionPlan} runs one node's forward or backward: the one place every node call passes through,
 * with the node, the phase and the tensors bound for it. {@link #DIRECT} just runs it. Per-node instrumentation
 * attaches here — timing each call between two device events, checking or converting operand layouts — without any
 * node knowing. The plan calls it in execution order, inside recordings too, so what it adds must follow the
 * backend's recording rules ({@link dev.jdnn.ops.Backend#capture}).
 */
@FunctionalInterface
public interface NodeExecution {
    enum Phase { FORWARD, BACKWARD }

    /** Runs {@code call} (the node's own forward or backward on {@code context}), with whatever comes around it. */
    void run(Node node, Phase phase, NodeContext context, Runnable call);

    NodeExecution DIRECT = (node, phase, context, call) -> call.run();
}
