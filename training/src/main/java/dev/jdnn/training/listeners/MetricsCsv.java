package dev.jdnn.training.listeners;

import dev.jdnn.training.EpochMetrics;
import dev.jdnn.training.TrainingListener;
import dev.jdnn.training.checkpoint.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Keeps {@code metrics.csv} in a directory up to date: one row per epoch (columns {@link #HEADER}; empty cells where
 * there is no test data), rewritten atomically after every epoch so an interrupted run leaves a complete file. A
 * resumed run keeps the rows of the epochs it does not redo. The directory must exist by the first epoch's end.
 */
public final class MetricsCsv implements TrainingListener {
    public static final String FILE = "metrics.csv";
    public static final String HEADER = "epoch,train_loss,train_top1,test_loss,test_top1,test_top5,train_images_per_s,loader_wait_s,lr,seconds";
    private static final int COLUMNS = HEADER.split(",").length;

    private final Path file;
    private final List<double[]> rows = new ArrayList<>();

    /** A new run's file in {@code dir}. */
    public MetricsCsv(Path dir) {
        this(dir, 0);
    }

    /** A run resumed after {@code keepEpochs} epochs: the existing file's rows of those epochs are kept. */
    public MetricsCsv(Path dir, int keepEpochs) {
        this.file = dir.resolve(FILE);
        if (keepEpochs > 0 && Files.isRegularFile(file)) {
            try {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("epoch")) continue;
                    double[] r = Arrays.stream(line.split(",", -1)).mapToDouble(s -> s.isEmpty() ? Double.NaN : Double.parseDouble(s)).toArray();
                    if (r.length == COLUMNS && r[0] <= keepEpochs) rows.add(r);
                }
            } catch (IOException | NumberFormatException e) {
                rows.clear(); // an unreadable history is rebuilt from here on
            }
        }
    }

    @Override
    public void onEpochEnd(EpochMetrics e) {
        double nan = Double.NaN;
        rows.add(new double[]{e.epoch() + 1, e.trainLoss(), e.trainAccuracy(), e.test() == null ? nan : e.test().loss(), e.test() == null ? nan : e.test().top1(),
                e.test() == null ? nan : e.test().top5(), e.trainImagesPerSecond(), e.loaderWaitSeconds(), e.lr(), e.seconds()});
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (double[] r : rows) {
            List<String> cells = new ArrayList<>();
            cells.add(Integer.toString((int) r[0]));
            for (int i = 1; i < r.length; i++) cells.add(Double.isNaN(r[i]) ? "" : String.format(Locale.ROOT, "%.6g", r[i]));
            sb.append(String.join(",", cells)).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** The rows so far, in {@link #HEADER}'s column order (NaN for empty cells), epoch numbers from 1. */
    public List<double[]> rows() {
        return rows.stream().map(double[]::clone).toList();
    }
}
