package dev.jdnn.networks.graph;

import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.ops.ActivationPlan;

/** A pointwise activation; the backward reads both x and y (backends use whichever their formula needs). */
final class ActivationNode extends UnaryPlanNode {
    private final Act layer;

    private ActivationNode(String path, Value output, int input, Act layer) {
        super(path, output, input);
        this.layer = layer;
    }

    static Value trace(GraphTracer t, Act a, Value x) {
        return t.add(new ActivationNode(t.path(), t.newValue(x.shape()), x.id(), a)).output;
    }

    @Override
    String kind() {
        return "activation(" + layer.kind + ")";
    }

    /** True when f'(x) can be computed from y = f(x) alone, so the activation may overwrite its input. */
    boolean derivativeFromOutput() {
        return switch (layer.kind) {
            case RELU, RELU6 -> true;
            case LEAKY_RELU -> layer.param >= 0;
            default -> false;
        };
    }

    @Override
    void prepare(PlanCache plans) {
        ActivationPlan plan = plans.activation(layer.kind, layer.param, output.shape());
        bindPlan(plan::forward, plan::backward);
    }
}
