package dev.jdnn.training.optim;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;

/**
 * torch.nn.utils.clip_grad_norm_ over one flat gradient tensor (a compiled model's {@code flatGradients()}): all
 * gradients scaled by min(1, maxNorm / (norm + 1e-6)), their global L2 norm computed and applied on the device
 * ({@link Backend#clipGradNorm}). {@link #enqueue()} reads nothing back, so it can be recorded with the training
 * step between the backward and the optimizer update; {@link #lastNorm()} reads the norm afterwards.
 */
public final class GradientClipping implements AutoCloseable {
    private final Backend backend;
    private final Tensor gradients;
    private final float maxNorm;
    private final Tensor norm;

    public GradientClipping(Backend backend, Tensor flatGradients, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) throw new IllegalArgumentException("max gradient norm must be a positive number, got " + maxNorm);
        if (flatGradients == null) throw new IllegalArgumentException("gradient clipping needs the model's flat gradients, got null (no trainable parameters?)");
        this.backend = backend;
        this.gradients = flatGradients;
        this.maxNorm = (float) maxNorm;
        this.norm = backend.zeros(Shape.of(1));
    }

    /** Issues the clipping: asynchronous device work with the same arguments every call (recordable). */
    public void enqueue() {
        backend.clipGradNorm(gradients, maxNorm, norm);
    }

    /** The global norm the last {@link #enqueue()} found, before clipping (synchronises). */
    public double lastNorm() {
        return backend.download(norm)[0];
    }

    @Override
    public void close() {
        norm.close();
    }
}
