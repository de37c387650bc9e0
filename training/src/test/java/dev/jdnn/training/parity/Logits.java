package dev.jdnn.training.parity;

/** The logit metric the PyTorch comparisons share. */
final class Logits {
    /** Compared logits agree when this is at most 1e-4 (FP32 on both sides; rounding grows with depth). */
    static final double TOLERANCE = 1e-4;

    private Logits() {}

    /**
     * max_i |ours_i - ref_i| / max_i |ref_i|: one scale for the whole batch, so logits near zero are not held to a
     * tighter bound than the ones that decide the prediction.
     */
    static double maxRelativeError(float[] ours, double[] ref) {
        if (ours.length != ref.length) throw new IllegalArgumentException(ours.length + " logits, reference has " + ref.length);
        double diff = 0, scale = 0;
        for (int i = 0; i < ours.length; i++) {
            diff = Math.max(diff, Math.abs(ours[i] - ref[i]));
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return diff / scale;
    }
}
