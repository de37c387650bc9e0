package dev.jdnn.networks.layers;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Init;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;

/** torch.nn.Linear: weight [out, in], bias [out]; input [N, in]. */
public final class Linear extends Layer {
    public final int inFeatures, outFeatures;
    public final Parameter weight, bias;

    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this.inFeatures = inFeatures; this.outFeatures = outFeatures;
        weight = parameter("weight", Shape.of(outFeatures, inFeatures), Init.pytorchDefaultWeight());
        this.bias = bias ? parameter("bias", Shape.of(outFeatures), Init.pytorchDefaultBias(inFeatures)) : null;
    }

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return t.linear(x, weight, bias);
    }
}
