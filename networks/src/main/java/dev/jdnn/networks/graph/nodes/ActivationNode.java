package dev.jdnn.networks.graph.nodes;

import dev.jdnn.networks.Value;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.OperandType;

/** A pointwise activation; the backward reads both x and y (backends use whichever their formula needs). */
public final class ActivationNode extends UnaryPlanNode {
    private final Activation kind;
    private final float param;
    private final OperandType type;

    private ActivationNode(String path, Value output, int input, Activation kind, float param, OperandType type) {
        super(path, output, input);
        this.kind = kind;
        this.param = param;
        this.type = type;
    }

    public static Value trace(TraceContext t, Value x, Activation kind, float param) {
        if (kind == null) throw t.error("activation kind is null");
        return t.add(new ActivationNode(t.path(), t.newValue(x.shape()), x.id(), kind, param, t.graph().type(x.id()))).output;
    }

    /** Which activation (the node's {@link #kind()} is its name in messages). */
    public Activation activation() {
        return kind;
    }

    @Override
    public String kind() {
        return "activation(" + kind + ")";
    }

    /** True when f'(x) can be computed from y = f(x) alone, so the activation may overwrite its input. */
    public boolean derivativeFromOutput() {
        return switch (kind) {
            case RELU, RELU6 -> true;
            case LEAKY_RELU -> param >= 0;
            default -> false;
        };
    }

    @Override
    public void prepare(PlanCache plans) {
        ActivationPlan plan = plans.activation(kind, param, output.shape(), type);
        bindPlan(plan::forward, plan::backward);
    }
}
