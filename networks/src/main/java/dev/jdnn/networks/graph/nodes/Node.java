package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
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
public abstract class Node {
    public final String path;
    public final int[] inputs;
    public final Value output;
    private int index = -1;
    private int tracePosition = -1;

    public Node(String path, Value output, int... inputs) {
        this.path = path;
        this.output = output;
        this.inputs = inputs;
    }

    /** Position in execution order, set when the node is added to its graph. */
    public int index() {
        return index;
    }

    void setIndex(int index) {
        this.index = index;
    }

    /**
     * Position in the traced graph (dead nodes pruned) before any fusion rewrite replaced nodes, not counting the
     * nodes that exist only for the compile's layout or precision ({@link #takesTracePosition()}): what per-node random
     * streams are seeded from, so that neither fusion nor the layout or precision ever changes a dropout mask.
     */
    public int tracePosition() {
        return tracePosition;
    }

    /**
     * False for a node that only a non-default layout or precision adds (the input cast, a layout conversion where
     * NCHW needs no copy): it shares the next node's trace position instead of taking one.
     */
    public boolean takesTracePosition() {
        return true;
    }

    void setTracePosition(int position) {
        this.tracePosition = position;
    }

    /** Short op name for messages and debugging ("conv2d", "concat", ...). */
    public abstract String kind();

    /** Parameters this node reads (weights, biases), in a fixed order matching {@link NodeContext#paramGrad}. */
    public List<Parameter> parameters() {
        return List.of();
    }

    /** Multiply-accumulates of one forward over the whole batch (conv and linear; 0 for the rest, torchvision's convention). */
    public long macs() {
        return 0;
    }

    /**
     * Multiply-accumulates of one backward that computes what {@code c} asks for (conv and linear: a forward's worth
     * per gradient computed, data and weight; 0 for the rest), for the profile's rates.
     */
    public long backwardMacs(NodeContext c) {
        return 0;
    }

    /**
     * Bytes one forward reads and writes, each operand once (the profile's GB/s): by default its inputs, its
     * parameters and its output. Views, which move nothing, and ops that skip parts say less.
     */
    public long forwardBytes(NodeContext c) {
        long bytes = bytes(c.out);
        for (Tensor t : c.in) bytes += bytes(t);
        for (Parameter p : parameters()) bytes += bytes(p.value());
        return bytes;
    }

    /**
     * Bytes one backward that computes what {@code c} asks for reads and writes, each operand once: by default the
     * output gradient, the inputs and output it reads ({@link #readsInputInBackward}, {@link #readsOutputInBackward}),
     * the parameters, and every gradient it writes, twice where it accumulates (read and written).
     */
    public long backwardBytes(NodeContext c) {
        long bytes = bytes(c.dOut);
        if (readsOutputInBackward()) bytes += bytes(c.out);
        for (int i = 0; i < c.in.length; i++) {
            if (readsInputInBackward(i)) bytes += bytes(c.in[i]);
            if (c.dIn[i] != null) bytes += bytes(c.dIn[i]) * (c.dInBeta[i] != 0f ? 2 : 1);
        }
        List<Parameter> params = parameters();
        for (int j = 0; j < params.size(); j++) {
            bytes += bytes(params.get(j).value());
            if (c.paramGrad[j] != null) bytes += bytes(c.paramGrad[j]) * (c.paramBeta[j] != 0f ? 2 : 1);
        }
        return bytes;
    }

    /** A tensor's size in bytes (0 for none). */
    protected static long bytes(Tensor t) {
        return t == null ? 0 : t.numel() * t.dtype().byteSize();
    }

    /** How this node's backend plan computes it (the convolution algorithms chosen, ...), for profiles; null when it says nothing. */
    public String implementation() {
        return null;
    }

    /** Creates the backend plans; called once per compile. */
    public void prepare(PlanCache plans) {}

    /** Workspace this node's plans need (the compiled model allocates the max over all nodes once). */
    public long workspaceBytes() {
        return 0;
    }

    /** Scratch buffers this node needs; see {@link AuxBuffer}. Called once gradient flow says whether its backward runs. */
    public List<AuxBuffer> auxBuffers(boolean runsBackward) {
        return List.of();
    }

    public boolean readsInputInBackward(int i) {
        return false;
    }

    public boolean readsOutputInBackward() {
        return false;
    }

    /** True when the backward call for input i takes a beta (so it can accumulate into an existing gradient). */
    public boolean accumulatesInputGrad(int i) {
        return true;
    }

    /** True when the backward call for input i cannot skip writing dx even if nobody needs it (a scratch is bound). */
    public boolean mustWriteInputGrad(int i) {
        return false;
    }

    /** True when this node may write its output into a batch-strided view (a channel slice of a concat output). */
    public boolean canWriteStridedOutput() {
        return output.shape().rank() == 4;
    }

    /**
     * Why this node's forward or backward cannot be recorded for replay (see {@link dev.jdnn.ops.Backend#capture}),
     * or null when it can: a node qualifies when each call issues the same backend ops with the same arguments and
     * keeps any state that changes from step to step in device memory. Host work per step (drawing random numbers
     * on the host and uploading them, reading results back, scalars that change per call) would be frozen by a
     * replay, so a node doing it must say so here.
     */
    public String notCapturable() {
        return null;
    }

    /**
     * The random stream this node draws from (dropout, stochastic depth), or null. Its position is part of a
     * training run's state: {@link dev.jdnn.networks.graph.CompiledModel#randomPositions()} saves it and
     * {@link dev.jdnn.networks.graph.CompiledModel#seekRandom} restores it, so a resumed run draws the masks the uninterrupted run would have.
     */
    public DropoutPlan randomStream() {
        return null;
    }

    public abstract void forward(NodeContext c);

    public abstract void backward(NodeContext c);

    @Override
    public String toString() {
        return kind() + "@" + (path.isEmpty() ? "<root>" : path) + " -> " + output;
    }

    /** A scratch tensor of a node (float32) and when it is alive. */
    public record AuxBuffer(Shape shape, Lifetime lifetime) {
        public enum Lifetime {
            /** Only during the node's forward step (intermediate results of a fused node). */
            FORWARD,
            /** Written in the forward, read by the backward (BN saved statistics, dropout masks). */
            UNTIL_BACKWARD,
            /** Only during the node's backward step; not allocated when the node runs no backward. */
            BACKWARD
        }

        public static AuxBuffer forward(Shape shape) {
            return new AuxBuffer(shape, Lifetime.FORWARD);
        }

        public static AuxBuffer untilBackward(Shape shape) {
            return new AuxBuffer(shape, Lifetime.UNTIL_BACKWARD);
        }

        public static AuxBuffer backward(Shape shape) {
            return new AuxBuffer(shape, Lifetime.BACKWARD);
        }
    }
}
