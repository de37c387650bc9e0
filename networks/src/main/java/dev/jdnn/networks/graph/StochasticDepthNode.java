package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Value;

import java.util.List;
import java.util.SplittableRandom;

/**
 * torchvision's StochasticDepth(p, "row") in training: every sample is kept with probability 1-p and scaled by
 * 1/(1-p), or zeroed. Composed from existing ops: a per-(sample, channel) scale [N, C, 1, 1] drawn on the host
 * each step and applied with scaleChannels; the backward multiplies dy by the same mask.
 */
final class StochasticDepthNode extends Node {
    private final float p;
    private SplittableRandom random;
    private float[] maskHost;

    private StochasticDepthNode(String path, Value output, int input, float p) {
        super(path, output, input);
        this.p = p;
    }

    static Value trace(GraphTracer t, Value x, float p) {
        if (x.shape().rank() != 4) throw t.error("stochasticDepth expects an NCHW input, got " + x.shape());
        return t.add(new StochasticDepthNode(t.path(), t.newValue(x.shape()), x.id(), p)).output;
    }

    private Shape maskShape() {
        Shape s = output.shape();
        return Shape.of(s.dim(0), s.dim(1), 1, 1);
    }

    @Override
    String kind() {
        return "stochasticDepth";
    }

    @Override
    void prepare(PlanCache plans) {
        random = new SplittableRandom(plans.streamSeed(index));
        maskHost = new float[Math.toIntExact(maskShape().numel())];
    }

    @Override
    String notCapturable() {
        return "draws its keep/drop mask on the host and uploads it every step (a replay would repeat one mask)";
    }

    @Override
    List<AuxBuffer> auxBuffers(GradientFlow flow) {
        return List.of(new AuxBuffer(maskShape(), true));
    }

    @Override
    boolean accumulatesInputGrad(int i) {
        return false;
    }

    @Override
    void forward(NodeContext c) {
        int n = output.shape().dim(0), channels = output.shape().dim(1);
        float keepScale = 1f / (1f - p);
        for (int i = 0; i < n; i++) {
            float v = random.nextDouble() < p ? 0f : keepScale;
            java.util.Arrays.fill(maskHost, i * channels, (i + 1) * channels, v);
        }
        c.backend.upload(maskHost, c.aux[0]);
        c.backend.scaleChannels(c.in[0], c.aux[0], c.out);
    }

    @Override
    void backward(NodeContext c) {
        if (!c.wantsGrad(0)) return;
        c.backend.scaleChannels(c.dOut, c.aux[0], c.gradTarget(0));
        c.finishGrad(0);
    }
}
