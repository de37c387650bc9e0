package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.LrnPlan;
import dev.jdnn.ops.LrnSpec;

/** Cross-channel local response normalisation. */
public final class LrnNode extends UnaryPlanNode {
    private final LrnSpec spec;

    private LrnNode(String path, Value output, int input, LrnSpec spec) {
        super(path, output, input);
        this.spec = spec;
    }

    public static Value trace(TraceContext t, Value x, int size, double alpha, double beta, double k) {
        Shape s = x.shape();
        if (s.rank() != 4) throw t.error("localResponseNorm expects an NCHW input, got " + s);
        LrnSpec spec;
        try {
            spec = new LrnSpec(s, size, alpha, beta, k, t.graph().type(x.id()));
        } catch (IllegalArgumentException e) {
            throw t.error(e.getMessage());
        }
        return t.add(new LrnNode(t.path(), t.newValue(s), x.id(), spec)).output;
    }

    @Override
    public String kind() {
        return "lrn";
    }

    @Override
    public void prepare(PlanCache plans) {
        LrnPlan plan = plans.lrn(spec);
        bindPlan(plan::forward, plan::backward);
    }
}
