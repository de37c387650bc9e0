package dev.jdnn.cli;

import dev.jdnn.training.EpochMetrics;
import dev.jdnn.training.StepMetrics;
import dev.jdnn.training.TrainingListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * A progress bar per epoch on stderr (images, images/s, ETA, running loss, loader wait) when stderr is a terminal,
 * and one summary line per epoch on stdout (train loss, test loss / top-1 / top-5, time). The bar never stops a run:
 * if the terminal library fails, one warning says so and the run goes on with the summary lines alone.
 */
final class ProgressListener implements TrainingListener {
    private final PrintWriter out;
    private final PrintStream barStream;
    private final int epochs, batchSize;
    private ProgressBar bar;
    private boolean barFailed;
    private double lossSum, accuracySum;
    private int steps;

    /** {@code barStream} null: no bar (not a terminal, or tests). */
    ProgressListener(PrintWriter out, PrintStream barStream, int epochs, int batchSize) {
        this.out = out;
        this.barStream = barStream;
        this.epochs = epochs;
        this.batchSize = batchSize;
    }

    @Override
    public void onEpochStart(int epoch, int batches, int firstBatch) {
        lossSum = 0;
        accuracySum = 0;
        steps = 0;
        if (barStream == null || barFailed) return;
        guarded(() -> {
            bar = new ProgressBarBuilder().setTaskName("epoch " + (epoch + 1) + "/" + epochs).setInitialMax((long) batches * batchSize)
                    .setUnit(" img", 1).showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                    .setConsumer(new ConsoleProgressBarConsumer(barStream, 120)).build();
            bar.stepTo((long) firstBatch * batchSize);
        });
    }

    /** Runs a bar operation; on any failure drops the bar for the rest of the run, with one warning. */
    private void guarded(Runnable barWork) {
        try {
            barWork.run();
        } catch (Exception | LinkageError e) {
            barFailed = true;
            ProgressBar broken = bar;
            bar = null;
            if (broken != null) {
                try {
                    broken.close();
                } catch (Exception | LinkageError ignored) {
                    // already reported below
                }
            }
            out.println("jdnn: progress bar off (" + e + "); training goes on");
            out.flush();
        }
    }

    @Override
    public void onStep(StepMetrics s) {
        lossSum += s.loss();
        accuracySum += s.accuracy();
        steps++;
        if (bar == null) return;
        guarded(() -> {
            bar.stepTo((long) (s.batch() + 1) * batchSize);
            bar.setExtraMessage(String.format(" loss %.4f acc %.1f%% wait %.0fms", lossSum / steps, 100 * accuracySum / steps, s.loaderWaitMillis()));
        });
    }

    @Override
    public void onEpochEnd(EpochMetrics e) {
        if (bar != null) {
            guarded(bar::close);
            bar = null;
        }
        String test = e.test() == null ? "" : String.format(" | test loss %.4f top-1 %.2f%% top-5 %.2f%%%s", e.test().loss(), 100 * e.test().top1(), 100 * e.test().top5(),
                e.test().nonFinite() == 0 ? "" : " (" + e.test().nonFiniteNote() + ")");
        out.printf("epoch %d/%d: train loss %.4f acc %.2f%%, %.0f img/s, loader wait %.1fs%s | %.1fs%n",
                e.epoch() + 1, epochs, e.trainLoss(), 100 * e.trainAccuracy(), e.trainImagesPerSecond(), e.loaderWaitSeconds(), test, e.seconds());
        out.flush();
    }
}
