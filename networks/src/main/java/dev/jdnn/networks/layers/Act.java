package dev.jdnn.networks.layers;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.Activation;

/** A pointwise activation layer (torch's ReLU, ReLU6, Hardswish, SiLU, ... as one class). */
public final class Act extends Layer {
    public final Activation kind;
    public final float param;

    public Act(Activation kind, float param) {
        this.kind = kind;
        this.param = param;
    }

    public static Act relu() { return new Act(Activation.RELU, 0); }
    public static Act relu6() { return new Act(Activation.RELU6, 0); }
    public static Act leakyRelu(float slope) { return new Act(Activation.LEAKY_RELU, slope); }
    public static Act sigmoid() { return new Act(Activation.SIGMOID, 0); }
    public static Act tanh() { return new Act(Activation.TANH, 0); }
    public static Act silu() { return new Act(Activation.SILU, 0); }
    public static Act hardsigmoid() { return new Act(Activation.HARD_SIGMOID, 0); }
    public static Act hardswish() { return new Act(Activation.HARD_SWISH, 0); }
    public static Act gelu() { return new Act(Activation.GELU_ERF, 0); }

    @Override
    public Value forward(Tracer t, Value x) {
        return t.activation(x, kind, param);
    }

    @Override
    public String toString() {
        return "Act(" + kind + ")";
    }
}
