package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.DropoutPlan;

import java.util.List;

/**
 * One operation of a traced graph. A node knows its inputs and output (value ids), the module path it came from
 * (for error messages), its parameters, and how to run itself forward and backward on the tensors a
 * {@link NodeContext} binds for it. What it needs kept alive for its backward it declares here, so the memory
 * planner can extend lifetimes accordingly.
 */
abstract class Node {
    final String path;
    final int[] inputs;
    final Value output;
    int index = -1; // position in execution order, set when added to the graph

    Node(String path, Value output, int... inputs) {
        this.path = path;
        this.output = output;
        this.inputs = inputs;
    }

    /** Short op name for messages and debugging ("conv2d", "concat", ...). */
    abstract String kind();

    /** Parameters this node reads (weights, biases), in a fixed order matching {@link NodeContext#paramGrad}. */
    List<Parameter> parameters() {
        return List.of();
    }

    /** Multiply-accumulates of one forward over the whole batch (conv and linear; 0 for the rest, torchvision's convention). */
    long macs() {
        return 0;
    }

    /** Creates the backend plans; called once per compile. */
    void prepare(PlanCache plans) {}

    /** Workspace this node's plans need (the compiled model allocates the max over all nodes once). */
    long workspaceBytes() {
        return 0;
    }

    /** Scratch buffers this node needs; see {@link AuxBuffer}. Called after gradient flow is known. */
    List<AuxBuffer> auxBuffers(GradientFlow flow) {
        return List.of();
    }

    boolean readsInputInBackward(int i) {
        return false;
    }

    boolean readsOutputInBackward() {
        return false;
    }

    /** True when the backward call for input i takes a beta (so it can accumulate into an existing gradient). */
    boolean accumulatesInputGrad(int i) {
        return true;
    }

    /** True when the backward call for input i cannot skip writing dx even if nobody needs it (a scratch is bound). */
    boolean mustWriteInputGrad(int i) {
        return false;
    }

    /** True when this node may write its output into a batch-strided view (a channel slice of a concat output). */
    boolean canWriteStridedOutput() {
        return output.shape().rank() == 4;
    }

    /**
     * Why this node's forward or backward cannot be recorded for replay (see {@link dev.jdnn.ops.Backend#capture}),
     * or null when it can: a node qualifies when each call issues the same backend ops with the same arguments and
     * keeps any state that changes from step to step in device memory. Host work per step (drawing random numbers
     * on the host and uploading them, reading results back, scalars that change per call) would be frozen by a
     * replay, so a node doing it must say so here.
     */
    String notCapturable() {
        return null;
    }

    /**
     * The random stream this node draws from (dropout, stochastic depth), or null. Its position is part of a
     * training run's state: {@link CompiledModel#randomPositions()} saves it and {@link CompiledModel#seekRandom}
     * restores it, so a resumed run draws the masks the uninterrupted run would have.
     */
    DropoutPlan randomStream() {
        return null;
    }

    abstract void forward(NodeContext c);

    abstract void backward(NodeContext c);

    @Override
    public String toString() {
        return kind() + "@" + (path.isEmpty() ? "<root>" : path) + " -> " + output;
    }

    /**
     * A scratch tensor of a node. {@code untilBackward}: written in forward, read by the backward (BN saved
     * statistics, dropout masks); otherwise it lives only during the node's backward step.
     */
    record AuxBuffer(Shape shape, boolean untilBackward) {}
}
