package dev.jdnn.ops;

/**
 * Dynamic loss scaling for float16 training, as torch.cuda.amp.GradScaler does it, with its state on the device so
 * that the whole step, scaling included, can be recorded ({@link Backend#capture}) and replayed:
 * <ol>
 *   <li>{@link Backend#lossScale}: the loss gradient, computed in float32, times the current scale, written in the
 *       activations' dtype (float16 gradients then stay clear of underflow);</li>
 *   <li>{@link Backend#unscaleAndCheck}: every weight gradient (float32) times 1/scale, and a finite flag, the same
 *       flag {@link Backend#finiteFlag} writes: the optimizer update then skips a step whose gradients overflowed;</li>
 *   <li>{@link Backend#updateLossScale}: after the step, from that flag: an overflow multiplies the scale by
 *       {@code backoffFactor} and restarts the count of good steps; the {@code growthInterval}-th good step in a row
 *       multiplies it by {@code growthFactor} (kept only if still finite) and restarts the count.</li>
 * </ol>
 * The state is a float32 tensor of {@link #LENGTH} elements on the device: {@code [scale, goodSteps]} (the count is
 * exact as a float up to 2^24). {@link #initialState()} is what the host uploads once.
 *
 * @param initialScale   the first scale (torch: 2^16)
 * @param growthFactor   the factor after {@code growthInterval} good steps (torch: 2)
 * @param backoffFactor  the factor after an overflow (torch: 0.5)
 * @param growthInterval good steps in a row before growing (torch: 2000)
 */
public record LossScaling(float initialScale, float growthFactor, float backoffFactor, int growthInterval) {
    public static final int SCALE = 0, GOOD_STEPS = 1, LENGTH = 2;

    public LossScaling {
        if (!(initialScale > 0) || Float.isInfinite(initialScale)) throw new IllegalArgumentException("loss scale must be positive and finite, got " + initialScale);
        if (!(growthFactor > 1) || Float.isInfinite(growthFactor)) throw new IllegalArgumentException("loss scale growth factor must be > 1 and finite, got " + growthFactor);
        if (!(backoffFactor > 0 && backoffFactor < 1)) throw new IllegalArgumentException("loss scale backoff factor must be in (0, 1), got " + backoffFactor);
        if (growthInterval < 1 || growthInterval > (1 << 24)) throw new IllegalArgumentException("loss scale growth interval must be in [1, 2^24], got " + growthInterval);
    }

    /** torch.cuda.amp.GradScaler's defaults: scale 65536, x2 after 2000 good steps, x0.5 on overflow. */
    public static LossScaling torchDefaults() {
        return new LossScaling(65536f, 2f, 0.5f, 2000);
    }

    /** The state to upload before the first step: {@code [initialScale, 0]}. */
    public float[] initialState() {
        return new float[] {initialScale, 0f};
    }

    /**
     * The state after one step, on the host: the arithmetic both backends' {@link Backend#updateLossScale} perform
     * (float32 products, as torch's {@code _amp_update_scale_}); {@code finite} is the step's flag.
     */
    public float[] next(float[] state, boolean finite) {
        float scale = state[SCALE], good = state[GOOD_STEPS];
        if (!finite) return new float[] {scale * backoffFactor, 0f};
        good += 1f;
        if (good >= growthInterval) {
            float grown = scale * growthFactor;
            return new float[] {Float.isFinite(grown) ? grown : scale, 0f};
        }
        return new float[] {scale, good};
    }
}
