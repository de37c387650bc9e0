package dev.jdnn.training;

import java.util.List;

/**
 * Evaluation of a model on a data set: mean cross-entropy loss, top-1 and top-5 accuracy (fractions; ties and
 * non-finite logits count as misses, see {@link Ranking}), how many samples gave a NaN or infinite logit
 * ({@code nonFinite}: counted wrong, and the loss is then NaN), and the confusion matrix
 * {@code confusion[trueClass][predictedClass]} of the other samples.
 */
public record EvalResult(int samples, int nonFinite, double loss, double top1, double top5, long[][] confusion, List<String> classNames) {
    /** "" when every output was finite, else a sentence saying how many samples were not, for the CLI. */
    public String nonFiniteNote() {
        return nonFinite == 0 ? "" : nonFinite + " of " + samples + " samples gave NaN or infinite logits: counted wrong, left out of the confusion matrix";
    }

    /** The matrix as aligned text, one row per true class, for the CLI. */
    public String confusionTable() {
        int n = confusion.length;
        int width = 6;
        for (long[] row : confusion) for (long v : row) width = Math.max(width, Long.toString(v).length() + 1);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-14s", "true\\pred"));
        for (int j = 0; j < n; j++) sb.append(String.format("%" + width + "d", j));
        sb.append('\n');
        for (int i = 0; i < n; i++) {
            String name = i < classNames.size() ? classNames.get(i) : Integer.toString(i);
            sb.append(String.format("%-14s", i + " " + (name.length() > 11 ? name.substring(0, 11) : name)));
            for (int j = 0; j < n; j++) sb.append(String.format("%" + width + "d", confusion[i][j]));
            sb.append('\n');
        }
        return sb.toString();
    }
}
