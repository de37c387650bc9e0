package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.Parameter;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;

/**
 * A Conv2d layer: forward, backward-data (only when needed upstream), backward-filter/bias (only when trainable), in
 * its input's format and dtype (the weight read as {@link Parameter#computeValue()}: in that dtype, laid out KRSC
 * for NHWC plans; the weight gradient float32 into the master gradient).
 */
public final class ConvNode extends WeightedNode {
    private final Conv2dSpec spec;
    private Conv2dPlan plan;

    private ConvNode(String path, Value output, int input, Parameter weight, Parameter bias, Conv2dSpec spec) {
        super(path, output, input, weight, bias);
        this.spec = spec;
    }

    /** weight [out, in/groups, k, k] says the channels and kernel; the spec checks the rest and infers the output. */
    public static Value trace(TraceContext t, Value x, Parameter weight, Parameter bias, int stride, int padding, int dilation, int groups) {
        Shape s = x.shape(), w = weight.shape();
        if (w.rank() != 4 || w.dim(2) != w.dim(3)) throw t.error("conv2d weight must be [out, in/groups, k, k], got " + w);
        int out = w.dim(0), in = w.dim(1) * groups, kernel = w.dim(2);
        if (s.rank() != 4 || s.dim(1) != in) {
            throw t.error("conv2d(in=%d, out=%d, kernel=%d, stride=%d) expects an input of shape [N, %d, H, W], got %s"
                    .formatted(in, out, kernel, stride, in, s));
        }
        Conv2dSpec spec;
        try {
            spec = Conv2dSpec.of(s, out, kernel, stride, padding, dilation, groups, bias != null).with(t.graph().type(x.id()));
        } catch (IllegalArgumentException e) {
            throw t.error(e.getMessage() + " (input shape " + s + ")");
        }
        return t.add(new ConvNode(t.path(), t.newValue(spec.outputShape()), x.id(), weight, bias, spec)).output;
    }

    public Conv2dSpec spec() {
        return spec;
    }

    @Override
    public long macs() {
        return spec.macs();
    }

    @Override
    public String implementation() {
        return plan.implementation();
    }

    @Override
    public String kind() {
        return "conv2d";
    }

    @Override
    public void prepare(PlanCache plans) {
        plan = plans.conv(spec);
    }

    @Override
    public long workspaceBytes() {
        return plan.workspaceBytes();
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
        plan.backwardFilter(1f, c.in[0], c.dOut, c.paramBeta[0], c.paramGrad[0]);
    }

    @Override
    public void backwardBias(NodeContext c) {
        plan.backwardBias(1f, c.dOut, c.paramBeta[1], c.paramGrad[1]);
    }
}
