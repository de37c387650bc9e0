package dev.jdnn.ops;

/**
 * The per-step values of an optimizer update, kept in a small float32 tensor on the update's device that both
 * {@link Backend#sgdStep} and {@link Backend#adamStep} read when they run. The host writes them with
 * {@link Backend#upload} before each step, so an update recorded once (a CUDA graph) uses the current learning rate
 * and step on every replay; an update run eagerly reads the same tensor, so both ways compute the same.
 *
 * <p>Everything that depends on the learning rate or the step count is computed here, on the host in double from
 * the double hyper-parameters and rounded to float once — as torch computes it in Python floats and converts it
 * for the float32 tensor op — so the two backends receive identical values:
 * <ul>
 *   <li>SGD: [lr, firstStep, apply] — firstStep 1 on the first step (the momentum buffer is initialised), else 0.</li>
 *   <li>Adam/AdamW: [stepSize, bc2Sqrt, decay, apply] — stepSize = lr / (1 - β1^step), bc2Sqrt = sqrt(1 - β2^step),
 *       decay = 1 - lr·wd for AdamW (1 for Adam).</li>
 * </ul>
 * {@code apply} is 1 or 0: with 0 the update changes nothing at all (parameters, momentum, moments). The host writes
 * 1; a guard issued between the loss and the update ({@link Backend#finiteFlag}) overwrites it with 0 when the
 * step's loss is NaN or infinite, so the update skips a divergent step on the device before the host sees the loss.
 */
public final class OptimizerScalars {
    private OptimizerScalars() {}

    public static final int SGD_LR = 0, SGD_FIRST_STEP = 1, SGD_APPLY = 2, SGD_LENGTH = 3;
    public static final int ADAM_STEP_SIZE = 0, ADAM_BC2_SQRT = 1, ADAM_DECAY = 2, ADAM_APPLY = 3, ADAM_LENGTH = 4;

    /** How many scalars one update of this kind reads. */
    public static int length(OptimizerConfig config) {
        return switch (config) {
            case OptimizerConfig.Sgd _ -> SGD_LENGTH;
            case OptimizerConfig.Adam _ -> ADAM_LENGTH;
        };
    }

    /** Where the apply flag sits among them. */
    public static int applySlot(OptimizerConfig config) {
        return switch (config) {
            case OptimizerConfig.Sgd _ -> SGD_APPLY;
            case OptimizerConfig.Adam _ -> ADAM_APPLY;
        };
    }

    /**
     * Writes the scalars of step {@code step} (counting from 1) at learning rate {@code lr} into
     * {@code dst[offset .. offset + length(config))}, apply = 1.
     */
    public static void write(OptimizerConfig config, float[] dst, int offset, double lr, long step) {
        if (step < 1) throw new IllegalArgumentException("optimizer steps count from 1, got " + step);
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
        switch (config) {
            case OptimizerConfig.Sgd _ -> {
                dst[offset + SGD_LR] = (float) lr;
                dst[offset + SGD_FIRST_STEP] = step == 1 ? 1f : 0f;
                dst[offset + SGD_APPLY] = 1f;
            }
            case OptimizerConfig.Adam a -> {
                dst[offset + ADAM_STEP_SIZE] = (float) (lr / (1 - Math.pow(a.beta1(), step)));
                dst[offset + ADAM_BC2_SQRT] = (float) Math.sqrt(1 - Math.pow(a.beta2(), step));
                dst[offset + ADAM_DECAY] = a.decoupled() ? (float) (1 - lr * a.weightDecay()) : 1f;
                dst[offset + ADAM_APPLY] = 1f;
            }
        }
    }

    /** The scalars of one step as a new array (tests, one-off updates). */
    public static float[] of(OptimizerConfig config, double lr, long step) {
        float[] s = new float[length(config)];
        write(config, s, 0, lr, step);
        return s;
    }
}
