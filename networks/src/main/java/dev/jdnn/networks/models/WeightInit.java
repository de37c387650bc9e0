package dev.jdnn.networks.models;

import dev.jdnn.networks.Init;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Linear;

import java.util.function.Function;

/**
 * Applies a family's weight initialisation, as torchvision's constructors do after building the modules. BatchNorm
 * needs no call: its layer already starts at weight 1, bias 0 (what every family here uses).
 */
final class WeightInit {
    private WeightInit() {}

    /** Every Conv2d below root gets the given weight init; conv biases (where present) start at zero. */
    static void convs(Layer root, Init weight) {
        for (Layer m : root.namedModules().values()) {
            if (m instanceof Conv2d c) {
                c.weight.setInit(weight);
                if (c.bias != null) c.bias.setInit(Init.zeros());
            }
        }
    }

    /** Every Linear below root gets a weight init chosen per layer; bias init null keeps PyTorch's default. */
    static void linears(Layer root, Function<Linear, Init> weight, Init bias) {
        for (Layer m : root.namedModules().values()) {
            if (m instanceof Linear l) {
                l.weight.setInit(weight.apply(l));
                if (bias != null && l.bias != null) l.bias.setInit(bias);
            }
        }
    }

    /** kaiming_normal_(fan_out, relu) for convs with zero biases: ResNet, VGG, MobileNets, EfficientNet. */
    static void kaimingConvs(Layer root) {
        convs(root, Init.kaimingNormalFanOut());
    }
}
