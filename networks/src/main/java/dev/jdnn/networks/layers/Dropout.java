package dev.jdnn.networks.layers;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;

/** torch.nn.Dropout(p): active only in the training graph. */
public final class Dropout extends Layer {
    public final float p;

    public Dropout(float p) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        this.p = p;
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return t.dropout(x, p);
    }
}
