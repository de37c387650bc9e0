package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.ops.PoolPlan;
import dev.jdnn.ops.PoolSpec;

/** Max, average or adaptive-average pooling. */
final class PoolNode extends UnaryPlanNode {
    private final PoolSpec spec;

    private PoolNode(String path, Value output, int input, PoolSpec spec) {
        super(path, output, input);
        this.spec = spec;
    }

    static Value trace(GraphTracer t, Pool2d p, Value x) {
        Shape s = x.shape();
        if (s.rank() != 4) throw t.error(p + " expects an NCHW input, got " + s);
        PoolSpec spec;
        try {
            spec = switch (p.mode) {
                case ADAPTIVE_AVG -> PoolSpec.adaptiveAvg(s, p.outH, p.outW);
                case MAX -> PoolSpec.max(s, p.kernel, p.stride, p.padding, p.ceilMode);
                case AVG_INCLUDE_PAD, AVG_EXCLUDE_PAD -> PoolSpec.avg(s, p.kernel, p.stride, p.padding, p.ceilMode, p.mode == PoolSpec.Mode.AVG_INCLUDE_PAD);
            };
            if (spec.outHeight() <= 0 || spec.outWidth() <= 0) throw new IllegalArgumentException("pooling leaves an empty output");
        } catch (IllegalArgumentException e) {
            throw t.error(e.getMessage() + " (input shape " + s + ")");
        }
        return t.add(new PoolNode(t.path(), t.newValue(spec.outputShape()), x.id(), spec)).output;
    }

    @Override
    String kind() {
        return "pool(" + spec.mode() + ")";
    }

    @Override
    void prepare(PlanCache plans) {
        PoolPlan plan = plans.pool(spec);
        bindPlan(plan::forward, plan::backward);
    }
}
