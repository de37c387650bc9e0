package dev.jdnn.networks.graph;

import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;

/** A Linear layer on a contiguous [N, in] input. */
final class LinearNode extends WeightedNode {
    private final LinearSpec spec;
    private LinearPlan plan;

    private LinearNode(String path, Value output, int input, Linear layer, LinearSpec spec) {
        super(path, output, input, layer.weight, layer.bias);
        this.spec = spec;
    }

    static Value trace(GraphTracer t, Linear m, Value x) {
        if (x.shape().rank() != 2 || x.shape().dim(1) != m.inFeatures) {
            throw t.error("Linear(in_features=%d, out_features=%d) expects an input of shape [N, %d], got %s"
                    .formatted(m.inFeatures, m.outFeatures, m.inFeatures, x.shape()));
        }
        LinearSpec spec = new LinearSpec(x.shape().dim(0), m.inFeatures, m.outFeatures, m.bias != null);
        return t.add(new LinearNode(t.path(), t.newValue(spec.outputShape()), x.id(), m, spec)).output;
    }

    @Override
    String kind() {
        return "linear";
    }

    @Override
    void prepare(PlanCache plans) {
        plan = plans.linear(spec);
    }

    @Override
    boolean canWriteStridedOutput() {
        return false;
    }

    @Override
    void forward(NodeContext c) {
        plan.forward(1f, c.in[0], weight.value(), biasValue(), 0f, c.out);
    }

    @Override
    void backwardData(NodeContext c) {
        plan.backwardData(1f, c.dOut, weight.value(), c.dInBeta[0], c.dIn[0]);
    }

    @Override
    void backwardWeight(NodeContext c) {
        plan.backwardWeight(1f, c.in[0], c.dOut, c.paramBeta[0], c.paramGrad[0]);
    }

    @Override
    void backwardBias(NodeContext c) {
        plan.backwardBias(1f, c.dOut, c.paramBeta[1], c.paramGrad[1]);
    }
}
