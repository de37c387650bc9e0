package dev.jdnn.training.listeners;

import dev.jdnn.training.EpochMetrics;
import dev.jdnn.training.TrainingListener;

import java.io.PrintWriter;

/**
 * One line per finished epoch: training loss and accuracy, throughput, loader wait, the test evaluation when there
 * is test data (and how many test images gave NaN or infinite outputs, if any), and the epoch's time, e.g.
 * {@code epoch 2/10: train loss 0.4123 acc 85.20%, 412 img/s, loader wait 0.3s | test loss 0.3921 top-1 86.10% top-5 99.60% | 24.1s}.
 */
public final class EpochSummaryPrinter implements TrainingListener {
    private final PrintWriter out;
    private final int epochs;

    /** {@code epochs}: the run's total, printed as "epoch e/total". */
    public EpochSummaryPrinter(PrintWriter out, int epochs) {
        this.out = out;
        this.epochs = epochs;
    }

    @Override
    public void onEpochEnd(EpochMetrics e) {
        out.println(line(e, epochs));
        out.flush();
    }

    static String line(EpochMetrics e, int epochs) {
        String test = e.test() == null ? "" : String.format(" | test loss %.4f top-1 %.2f%% top-5 %.2f%%%s", e.test().loss(), 100 * e.test().top1(), 100 * e.test().top5(),
                e.test().nonFinite() == 0 ? "" : " (" + e.test().nonFiniteNote() + ")");
        return String.format("epoch %d/%d: train loss %.4f acc %.2f%%, %.0f img/s, loader wait %.1fs%s | %.1fs",
                e.epoch() + 1, epochs, e.trainLoss(), 100 * e.trainAccuracy(), e.trainImagesPerSecond(), e.loaderWaitSeconds(), test, e.seconds());
    }
}
