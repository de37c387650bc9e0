package dev.jdnn.networks.layers;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;

/** torch.nn.Sequential: children named "0", "1", ... (or given names via {@link #add}), applied in order. */
public final class Sequential extends Layer {
    private int next;

    public Sequential(Layer... modules) {
        for (Layer m : modules) add(m);
    }

    /** Appends a child named by its position. */
    public Sequential add(Layer m) {
        register(Integer.toString(next++), m);
        return this;
    }

    /** Appends a child with an explicit name (torchvision uses names like "conv", "squeeze" in some families). */
    public Sequential add(String name, Layer m) {
        register(name, m);
        next++;
        return this;
    }

    @Override
    public Value forward(Tracer t, Value x) {
        for (Layer m : children().values()) x = t.call(m, x);
        return x;
    }
}
