package dev.jdnn.training;

import java.util.ArrayList;
import java.util.List;

/**
 * How one row of logits scores a label, with every doubt counted against the model, so that a broken model never
 * looks good: the label's rank is 1 + the number of <em>other</em> classes whose logit is {@code >=} the label's
 * (a tie is a miss: all-zero logits rank every label last, not first), and a row holding any NaN or infinite logit
 * has no rank at all ({@link #UNRANKED}: wrong for every top-k). Top-k counts a sample when its rank is {@code <= k}.
 * Used by evaluation, the training accuracy and {@code jdnn predict}, so all three agree.
 */
public final class Ranking {
    /** The rank of a label in a row with a NaN or infinite logit: never within any top-k. */
    public static final int UNRANKED = Integer.MAX_VALUE;

    private Ranking() {}

    /** Whether the {@code classes} logits from {@code off} are all finite (no NaN, no ±infinity). */
    public static boolean allFinite(float[] z, int off, int classes) {
        for (int j = 0; j < classes; j++) if (!Float.isFinite(z[off + j])) return false;
        return true;
    }

    /** 1 + the number of other classes scoring {@code >=} the label; {@link #UNRANKED} for a non-finite row. */
    public static int rank(float[] z, int off, int classes, int label) {
        if (!allFinite(z, off, classes)) return UNRANKED;
        float mine = z[off + label];
        int rank = 1;
        for (int j = 0; j < classes; j++) if (j != label && z[off + j] >= mine) rank++;
        return rank;
    }

    /**
     * The predicted class for a confusion matrix: the arg-max, and when the label shares the maximum with other
     * classes, the first of those others (a tie is not a correct prediction, as in {@link #rank}). Finite rows only.
     */
    public static int predicted(float[] z, int off, int classes, int label) {
        int best = -1;
        for (int j = 0; j < classes; j++) {
            if (j == label) continue;
            if (best < 0 || z[off + j] > z[off + best]) best = j;
        }
        return best < 0 || z[off + label] > z[off + best] ? label : best;
    }

    /** How many of the first {@code count} rows of [N, C] logits rank their label first. */
    public static int correctTop1(float[] logits, int[] labels, int count) {
        int classes = logits.length / labels.length, hits = 0;
        for (int i = 0; i < count; i++) if (rank(logits, i * classes, classes, labels[i]) == 1) hits++;
        return hits;
    }

    /** The indices of the {@code k} highest logits of {@code z}, highest first (equal logits by index). Finite rows only. */
    public static List<Integer> topK(float[] z, int k) {
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < z.length; i++) idx.add(i);
        idx.sort((a, b) -> Float.compare(z[b], z[a]));
        return idx.subList(0, Math.min(k, z.length));
    }

    /** softmax(z)[i] in float64, stable (max subtracted). Finite rows only. */
    public static double softmax(float[] z, int i) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float v : z) max = Math.max(max, v);
        for (float v : z) sum += Math.exp(v - max);
        return Math.exp(z[i] - max) / sum;
    }
}
