package dev.jdnn.networks.layers;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;

/** torch.nn.LocalResponseNorm(size, alpha, beta, k) — the original AlexNet's normalisation. */
public final class LocalResponseNorm extends Layer {
    public final int size;
    public final double alpha, beta, k;

    public LocalResponseNorm(int size, double alpha, double beta, double k) {
        this.size = size; this.alpha = alpha; this.beta = beta; this.k = k;
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return t.localResponseNorm(x, size, alpha, beta, k);
    }
}
