package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.DropoutPlan;
import dev.jdnn.ops.OperandType;

import java.util.List;

/**
 * torchvision's StochasticDepth(p, "row") in training: every sample is kept with probability 1-p and scaled by
 * 1/(1-p), or zeroed. Composed from device ops only, so a recorded step replays it with a new draw each time: a
 * dropout plan over [N, 1, 1, 1] turns a tensor of ones into the per-sample scale (0 or 1/(1-p)), a copy from a view
 * of it with channel stride 0 broadcasts that to the [N, C, 1, 1] mask, and scaleChannels applies it; the backward
 * multiplies dy by the same mask. The random stream is the dropout plan's (see {@link DropoutPlan}).
 */
public final class StochasticDepthNode extends Node {
    private final float p;
    private DropoutPlan perSample;

    private StochasticDepthNode(String path, Value output, int input, float p) {
        super(path, output, input);
        this.p = p;
    }

    public static Value trace(TraceContext t, Value x, float p) {
        if (x.shape().rank() != 4) throw t.error("stochasticDepth expects an NCHW input, got " + x.shape());
        return t.add(new StochasticDepthNode(t.path(), t.newValue(x.shape()), x.id(), p)).output;
    }

    private Shape maskShape() {
        Shape s = output.shape();
        return Shape.of(s.dim(0), s.dim(1), 1, 1);
    }

    private Shape sampleShape() {
        return Shape.of(output.shape().dim(0), 1, 1, 1);
    }

    @Override
    public String kind() {
        return "stochasticDepth";
    }

    @Override
    public void prepare(PlanCache plans) {
        perSample = plans.dropout(sampleShape(), p, OperandType.DEFAULT, tracePosition()); // on its float32 scratch
    }

    @Override
    public DropoutPlan randomStream() {
        return perSample;
    }

    @Override
    public List<AuxBuffer> auxBuffers(boolean runsBackward) {
        long reserveWords = Math.max(1, (perSample.reserveBytes() + 3) / 4); // raw bytes, planned as float32 words
        return List.of(AuxBuffer.untilBackward(maskShape()), AuxBuffer.untilBackward(sampleShape()),
                AuxBuffer.untilBackward(Shape.of(Math.toIntExact(reserveWords))));
    }

    @Override
    public boolean accumulatesInputGrad(int i) {
        return false;
    }

    @Override
    public void forward(NodeContext c) {
        Tensor mask = c.aux[0], scale = c.aux[1];
        c.backend.fill(scale, 1f);
        perSample.forward(scale, scale, c.aux[2]); // in place: 0 or 1/(1-p) per sample
        c.backend.copy(scale.asStrided(maskShape(), new long[]{scale.stride(0), 0, 1, 1}, 0), mask); // channel stride 0: broadcast
        c.backend.scaleChannels(c.in[0], mask, c.out);
    }

    @Override
    public void backward(NodeContext c) {
        if (!c.wantsGrad(0)) return;
        c.backend.scaleChannels(c.dOut, c.aux[0], c.gradTarget(0));
        c.finishGrad(0);
    }
}
