package dev.jdnn.networks.models;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Pool2d;

import java.util.function.Supplier;

/**
 * torchvision.ops.SqueezeExcitation (Hu et al. 2017): global average pool, 1x1 conv fc1 (with bias) to the squeeze
 * width, activation, 1x1 conv fc2 back, gate activation, then the input scaled channel-wise by the gate.
 * MobileNetV3 uses ReLU + hardsigmoid, EfficientNet SiLU + sigmoid.
 */
final class SqueezeExcitation extends Layer {
    private final Pool2d avgpool;
    private final Conv2d fc1, fc2;
    private final Act activation, scaleActivation;

    SqueezeExcitation(int channels, int squeezeChannels, Supplier<Act> activation, Supplier<Act> scaleActivation) {
        avgpool = register("avgpool", Pool2d.adaptiveAvg(1, 1));
        fc1 = register("fc1", new Conv2d(channels, squeezeChannels, 1, 1, 0, true));
        fc2 = register("fc2", new Conv2d(squeezeChannels, channels, 1, 1, 0, true));
        this.activation = register("activation", activation.get());
        this.scaleActivation = register("scale_activation", scaleActivation.get());
    }

    @Override
    public Value forward(Tracer t, Value x) {
        Value s = t.call(activation, t.call(fc1, t.call(avgpool, x)));
        s = t.call(scaleActivation, t.call(fc2, s));
        return t.scaleChannels(x, s);
    }
}
