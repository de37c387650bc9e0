package dev.jdnn.ops;

/**
 * The per-step scalars of an optimizer update kept in device memory, for the update variants that read them there
 * ({@link Backend#sgdStep(dev.jdnn.memory.Tensor, dev.jdnn.memory.Tensor, dev.jdnn.memory.Tensor, OptimizerConfig.Sgd, dev.jdnn.memory.Tensor)},
 * {@link Backend#adamStep(dev.jdnn.memory.Tensor, dev.jdnn.memory.Tensor, dev.jdnn.memory.Tensor, dev.jdnn.memory.Tensor, dev.jdnn.memory.Tensor, OptimizerConfig.Adam, dev.jdnn.memory.Tensor)}).
 * The host writes them with {@link Backend#upload} before each step, so an update recorded once (CUDA graph) uses
 * the current learning rate and step on every replay.
 *
 * <p>Layout: a contiguous float32 tensor of shape [{@link #SGD_LENGTH}] or [{@link #ADAM_LENGTH}].
 * <ul>
 *   <li>SGD: [lr, firstStep, apply] — firstStep 1 on the first step (the momentum buffer is initialised), else 0.</li>
 *   <li>Adam/AdamW: [lr, stepSize, bc2Sqrt, apply] — stepSize = lr / (1 - β1^step) and bc2Sqrt = sqrt(1 - β2^step),
 *       computed in double and rounded to float exactly as the host-scalar {@code adamStep} computes them, so both
 *       variants update bit for bit alike.</li>
 * </ul>
 * {@code apply} is 1 or 0: with 0 the update changes nothing at all (parameters, momentum, moments). The host writes
 * 1; a guard recorded between the loss and the update ({@link Backend#finiteFlag}) overwrites it with 0 when the
 * step's loss is NaN or infinite, so a recorded update skips a divergent step on the device before the host sees the
 * loss.
 */
public final class OptimizerScalars {
    private OptimizerScalars() {}

    public static final int SGD_LR = 0, SGD_FIRST_STEP = 1, SGD_APPLY = 2, SGD_LENGTH = 3;
    public static final int ADAM_LR = 0, ADAM_STEP_SIZE = 1, ADAM_BC2_SQRT = 2, ADAM_APPLY = 3, ADAM_LENGTH = 4;

    /** Writes SGD's scalars into {@code dst[offset .. offset + SGD_LENGTH)}, apply = 1. */
    public static void sgd(float[] dst, int offset, float lr, boolean firstStep) {
        dst[offset + SGD_LR] = lr;
        dst[offset + SGD_FIRST_STEP] = firstStep ? 1f : 0f;
        dst[offset + SGD_APPLY] = 1f;
    }

    /** Writes Adam's scalars for step {@code step} (counting from 1) into {@code dst[offset .. offset + ADAM_LENGTH)}, apply = 1. */
    public static void adam(float[] dst, int offset, float lr, float beta1, float beta2, long step) {
        if (step < 1) throw new IllegalArgumentException("adam step counts from 1, got " + step);
        dst[offset + ADAM_LR] = lr;
        dst[offset + ADAM_STEP_SIZE] = stepSize(lr, beta1, step);
        dst[offset + ADAM_BC2_SQRT] = bc2Sqrt(beta2, step);
        dst[offset + ADAM_APPLY] = 1f;
    }

    /** lr / (1 - β1^step), in double as torch computes it in Python floats, then rounded to float. */
    public static float stepSize(float lr, float beta1, long step) {
        return (float) (lr / (1.0 - Math.pow(beta1, step)));
    }

    /** sqrt(1 - β2^step), in double, rounded to float. */
    public static float bc2Sqrt(float beta2, long step) {
        return (float) Math.sqrt(1.0 - Math.pow(beta2, step));
    }
}
