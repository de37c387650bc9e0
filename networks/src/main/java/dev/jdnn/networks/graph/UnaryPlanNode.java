package dev.jdnn.networks.graph;

import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Value;

/**
 * A single-input node whose plan maps x to y (alpha 1, beta 0) and whose backward needs x, y and dy: activations,
 * LRN and pooling. The subclass only says how to call its own plan type (the ops plans share no interface).
 */
abstract class UnaryPlanNode extends Node {
    UnaryPlanNode(String path, Value output, int input) {
        super(path, output, input);
    }

    /** y = alpha * op(x) + beta * y on this node's plan. */
    abstract void planForward(float alpha, Tensor x, float beta, Tensor y);

    /** dx = alpha * op'(x, y, dy) + beta * dx on this node's plan. */
    abstract void planBackward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx);

    @Override
    boolean readsInputInBackward(int i) {
        return true;
    }

    @Override
    boolean readsOutputInBackward() {
        return true;
    }

    @Override
    final void forward(NodeContext c) {
        planForward(1f, c.in[0], 0f, c.out);
    }

    @Override
    final void backward(NodeContext c) {
        if (c.wantsGrad(0)) planBackward(1f, c.in[0], c.out, c.dOut, c.dInBeta[0], c.dIn[0]);
    }
}
