package dev.jdnn.networks.layers;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;

/** torch.nn.Flatten(1). */
public final class Flatten extends Layer {
    @Override
    public Value forward(Tracer t, Value x) {
        return t.flatten(x);
    }
}
