package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.DropoutPlan;
import dev.jdnn.ops.OperandType;

import java.util.List;

/** Inverted dropout; only traced into the training graph. The mask lives in a reserve buffer until the backward. */
public final class DropoutNode extends Node {
    private final float p;
    private final OperandType type;
    private DropoutPlan plan;

    private DropoutNode(String path, Value output, int input, float p, OperandType type) {
        super(path, output, input);
        this.p = p;
        this.type = type;
    }

    public static Value trace(TraceContext t, Value x, float p) {
        return t.add(new DropoutNode(t.path(), t.newValue(x.shape()), x.id(), p, t.graph().type(x.id()))).output;
    }

    @Override
    public String kind() {
        return "dropout";
    }

    @Override
    public void prepare(PlanCache plans) {
        plan = plans.dropout(output.shape(), p, type, tracePosition());
    }

    @Override
    public DropoutPlan randomStream() {
        return plan;
    }

    @Override
    public List<AuxBuffer> auxBuffers(boolean runsBackward) {
        long floats = Math.max(1, (plan.reserveBytes() + 3) / 4); // the reserve is raw bytes; planned as float32 words
        return List.of(AuxBuffer.untilBackward(Shape.of(Math.toIntExact(floats))));
    }

    @Override
    public boolean accumulatesInputGrad(int i) {
        return false;
    }

    @Override
    public boolean canWriteStridedOutput() {
        return false; // the reserve mask is laid out for a contiguous tensor
    }

    @Override
    public void forward(NodeContext c) {
        plan.forward(c.in[0], c.out, c.aux[0]);
    }

    @Override
    public void backward(NodeContext c) {
        if (!c.wantsGrad(0)) return;
        plan.backward(c.dOut, c.gradTarget(0), c.aux[0]);
        c.finishGrad(0);
    }
}
