package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;

/**
 * The tensors one node runs on in one compiled graph, bound once at compile time: inputs and output (views into
 * the planned arena), their gradients with the beta each write must use (0 for the first writer, 1 to
 * accumulate), parameter gradients (null when frozen), scratch buffers and the shared workspace.
 */
public final class NodeContext {
    public final Backend backend;
    public final Tensor workspace;
    public final Tensor[] in;
    public Tensor out;
    public Tensor dOut;
    public final Tensor[] dIn;      // null where no gradient flows to that input
    public final float[] dInBeta;
    public final Tensor[] dInTemp;  // where the op cannot accumulate natively (or must write a discarded dx)
    public final Tensor[] paramGrad;
    public final float[] paramBeta;
    public Tensor[] aux = new Tensor[0];

    public NodeContext(Backend backend, Tensor workspace, int inputs, int params) {
        this.backend = backend;
        this.workspace = workspace;
        this.in = new Tensor[inputs];
        this.dIn = new Tensor[inputs];
        this.dInBeta = new float[inputs];
        this.dInTemp = new Tensor[inputs];
        this.paramGrad = new Tensor[params];
        this.paramBeta = new float[params];
    }

    public boolean wantsGrad(int i) {
        return dIn[i] != null;
    }

    /**
     * Where an op without a beta argument writes input i's gradient: the gradient itself when this is its first
     * writer, else a scratch that {@link #finishGrad} adds in. Also returns the scratch for ops that must write a dx
     * nobody needs.
     */
    public Tensor gradTarget(int i) {
        if (dIn[i] != null && dInBeta[i] == 0f) return dIn[i];
        if (dInTemp[i] == null) throw new IllegalStateException("no scratch bound for input " + i + " (bug in the graph planner)");
        return dInTemp[i];
    }

    /** dIn[i] = src (first writer) or dIn[i] += src — a copy rather than beta=0 so stale contents never matter. */
    public void accumulate(Tensor src, int i) {
        if (dInBeta[i] == 0f) backend.copy(src, dIn[i]);
        else backend.addScaled(1f, src, 1f, dIn[i]);
    }

    /** Completes a write made through {@link #gradTarget}: accumulates the scratch into the real gradient if used. */
    public void finishGrad(int i) {
        if (dIn[i] != null && dInBeta[i] != 0f) backend.addScaled(1f, dInTemp[i], 1f, dIn[i]);
    }
}
