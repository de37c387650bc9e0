package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Value;

/**
 * A single-input node whose plan maps x to y (alpha 1, beta 0) and whose backward needs x, y and dy: activations,
 * LRN and pooling. The ops plan types share no interface, so each subclass's {@link #prepare} binds its plan's two
 * calls here with method references ({@code bindPlan(plan::forward, plan::backward)}).
 */
public abstract class UnaryPlanNode extends Node {
    /** y = alpha * op(x) + beta * y. */
    public interface Forward {
        void run(float alpha, Tensor x, float beta, Tensor y);
    }

    /** dx = alpha * op'(x, y, dy) + beta * dx. */
    public interface Backward {
        void run(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx);
    }

    private Forward planForward;
    private Backward planBackward;

    public UnaryPlanNode(String path, Value output, int input) {
        super(path, output, input);
    }

    /** Called from the subclass's prepare() with the plan it just created. */
    public final void bindPlan(Forward forward, Backward backward) {
        this.planForward = forward;
        this.planBackward = backward;
    }

    @Override
    public boolean readsInputInBackward(int i) {
        return true;
    }

    @Override
    public boolean readsOutputInBackward() {
        return true;
    }

    @Override
    public final void forward(NodeContext c) {
        planForward.run(1f, c.in[0], 0f, c.out);
    }

    @Override
    public final void backward(NodeContext c) {
        if (c.wantsGrad(0)) planBackward.run(1f, c.in[0], c.out, c.dOut, c.dInBeta[0], c.dIn[0]);
    }
}
