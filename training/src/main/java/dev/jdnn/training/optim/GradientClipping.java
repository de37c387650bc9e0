package dev.jdnn.training.optim;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;

import java.util.List;

/** torch.nn.utils.clip_grad_norm_: scales all gradients by maxNorm / (norm + 1e-6) when their global L2 norm exceeds maxNorm. */
public final class GradientClipping {
    private GradientClipping() {}

    /** Returns the global norm before clipping. */
    public static double clipGlobalNorm(Backend backend, List<Tensor> grads, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max gradient norm must be > 0, got " + maxNorm);
        double sum = 0;
        for (Tensor g : grads) sum += backend.sumOfSquares(g);
        double norm = Math.sqrt(sum);
        double factor = maxNorm / (norm + 1e-6);
        if (factor < 1) for (Tensor g : grads) backend.scale(g, (float) factor);
        return norm;
    }
}
