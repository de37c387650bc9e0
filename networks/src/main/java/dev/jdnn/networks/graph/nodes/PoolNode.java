package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.PoolPlan;
import dev.jdnn.ops.PoolSpec;

import java.util.function.Function;

/** Max, average or adaptive-average pooling. */
public final class PoolNode extends UnaryPlanNode {
    private final PoolSpec spec;

    private PoolNode(String path, Value output, int input, PoolSpec spec) {
        super(path, output, input);
        this.spec = spec;
    }

    /** {@code specOf} makes the pooling's spec for the input shape (its factories check the window and infer the output). */
    public static Value trace(TraceContext t, Value x, String op, Function<Shape, PoolSpec> specOf) {
        Shape s = x.shape();
        if (s.rank() != 4) throw t.error(op + " expects an NCHW input, got " + s);
        PoolSpec spec;
        try {
            spec = specOf.apply(s).with(t.graph().type(x.id()));
            if (spec.outHeight() <= 0 || spec.outWidth() <= 0) throw new IllegalArgumentException("pooling leaves an empty output");
        } catch (IllegalArgumentException e) {
            throw t.error(e.getMessage() + " (input shape " + s + ")");
        }
        return t.add(new PoolNode(t.path(), t.newValue(spec.outputShape()), x.id(), spec)).output;
    }

    @Override
    public String kind() {
        return "pool(" + spec.mode() + ")";
    }

    @Override
    public void prepare(PlanCache plans) {
        PoolPlan plan = plans.pool(spec);
        bindPlan(plan::forward, plan::backward);
    }
}
