package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.LocalResponseNorm;
import dev.jdnn.ops.LrnPlan;
import dev.jdnn.ops.LrnSpec;

/** Cross-channel local response normalisation. */
final class LrnNode extends UnaryPlanNode {
    private final LrnSpec spec;
    private LrnPlan plan;

    private LrnNode(String path, Value output, int input, LrnSpec spec) {
        super(path, output, input);
        this.spec = spec;
    }

    static Value trace(GraphTracer t, LocalResponseNorm n, Value x) {
        Shape s = x.shape();
        if (s.rank() != 4) throw t.error("LocalResponseNorm expects an NCHW input, got " + s);
        LrnSpec spec = new LrnSpec(s, n.size, n.alpha, n.beta, n.k);
        return t.add(new LrnNode(t.path(), t.newValue(s), x.id(), spec)).output;
    }

    @Override
    String kind() {
        return "lrn";
    }

    @Override
    void prepare(PlanCache plans) {
        plan = plans.lrn(spec);
    }

    @Override
    void planForward(float alpha, Tensor x, float beta, Tensor y) {
        plan.forward(alpha, x, beta, y);
    }

    @Override
    void planBackward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        plan.backward(alpha, x, y, dy, beta, dx);
    }
}
