package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;

/** A Conv2d layer: forward, backward-data (only when needed upstream), backward-filter/bias (only when trainable). */
final class ConvNode extends WeightedNode {
    private final Conv2dSpec spec;
    private Conv2dPlan plan;

    private ConvNode(String path, Value output, int input, Conv2d layer, Conv2dSpec spec) {
        super(path, output, input, layer.weight, layer.bias);
        this.spec = spec;
    }

    static Value trace(GraphTracer t, Conv2d m, Value x) {
        Shape s = x.shape();
        if (s.rank() != 4 || s.dim(1) != m.inChannels) {
            throw t.error("Conv2d(in=%d, out=%d, kernel=%d, stride=%d) expects an input of shape [N, %d, H, W], got %s"
                    .formatted(m.inChannels, m.outChannels, m.kernel, m.stride, m.inChannels, s));
        }
        Conv2dSpec spec;
        try {
            spec = Conv2dSpec.of(s, m.outChannels, m.kernel, m.stride, m.padding, m.dilation, m.groups, m.bias != null);
        } catch (IllegalArgumentException e) {
            throw t.error(e.getMessage() + " (input shape " + s + ")");
        }
        return t.add(new ConvNode(t.path(), t.newValue(spec.outputShape()), x.id(), m, spec)).output;
    }

    @Override
    String kind() {
        return "conv2d";
    }

    @Override
    void prepare(PlanCache plans) {
        plan = plans.conv(spec);
    }

    @Override
    long workspaceBytes() {
        return plan.workspaceBytes();
    }

    @Override
    void forward(NodeContext c) {
        plan.forward(1f, c.in[0], weight.value(), biasValue(), 0f, c.out, c.workspace);
    }

    @Override
    void backwardData(NodeContext c) {
        plan.backwardData(1f, c.dOut, weight.value(), c.dInBeta[0], c.dIn[0], c.workspace);
    }

    @Override
    void backwardWeight(NodeContext c) {
        plan.backwardFilter(1f, c.in[0], c.dOut, c.paramBeta[0], c.paramGrad[0], c.workspace);
    }

    @Override
    void backwardBias(NodeContext c) {
        plan.backwardBias(1f, c.dOut, c.paramBeta[1], c.paramGrad[1]);
    }
}
