package dev.jdnn.networks.graph.nodes;

import dev.jdnn.networks.Value;
import dev.jdnn.networks.Parameter;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;

/** A Linear layer on a contiguous [N, in] input, in its dtype (the weight read as {@link Parameter#computeValue()}). */
public final class LinearNode extends WeightedNode {
    private final LinearSpec spec;
    private LinearPlan plan;

    private LinearNode(String path, Value output, int input, Parameter weight, Parameter bias, LinearSpec spec) {
        super(path, output, input, weight, bias);
        this.spec = spec;
    }

    /** weight [out, in] says the features. */
    public static Value trace(TraceContext t, Value x, Parameter weight, Parameter bias) {
        if (weight.shape().rank() != 2) throw t.error("linear weight must be [out, in], got " + weight.shape());
        int in = weight.shape().dim(1), out = weight.shape().dim(0);
        if (x.shape().rank() != 2 || x.shape().dim(1) != in) {
            throw t.error("linear(in_features=%d, out_features=%d) expects an input of shape [N, %d], got %s".formatted(in, out, in, x.shape()));
        }
        LinearSpec spec = new LinearSpec(x.shape().dim(0), in, out, bias != null, t.graph().type(x.id()).dtype());
        return t.add(new LinearNode(t.path(), t.newValue(spec.outputShape()), x.id(), weight, bias, spec)).output;
    }

    @Override
    public long macs() {
        return (long) spec.batch() * spec.inFeatures() * spec.outFeatures();
    }

    @Override
    public String implementation() {
        return plan.implementation();
    }

    @Override
    public String kind() {
        return "linear";
    }

    @Override
    public void prepare(PlanCache plans) {
        plan = plans.linear(spec);
    }

    @Override
    public boolean canWriteStridedOutput() {
        return false;
    }

    @Override
    public void forward(NodeContext c) {
        plan.forward(1f, c.in[0], weight.computeValue(), biasValue(), 0f, c.out);
    }

    @Override
    public void backwardData(NodeContext c) {
        plan.backwardData(1f, c.dOut, weight.computeValue(), c.dInBeta[0], c.dIn[0]);
    }

    @Override
    public void backwardWeight(NodeContext c) {
        plan.backwardWeight(1f, c.in[0], c.dOut, c.paramBeta[0], c.paramGrad[0]);
    }

    @Override
    public void backwardBias(NodeContext c) {
        plan.backwardBias(1f, c.dOut, c.paramBeta[1], c.paramGrad[1]);
    }
}
