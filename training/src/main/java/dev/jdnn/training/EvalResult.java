package dev.jdnn.training;

import java.util.List;

/**
 * Evaluation of a model on a data set: mean cross-entropy loss, top-1 and top-5 accuracy (fractions), and the
 * confusion matrix {@code confusion[trueClass][predictedClass]}.
 */
public record EvalResult(int samples, double loss, double top1, double top5, long[][] confusion, List<String> classNames) {
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
