package dev.jdnn.cli;

import dev.jdnn.training.EpochMetrics;
import dev.jdnn.training.StepMetrics;
import dev.jdnn.training.TrainingListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;

/**
 * A progress bar per epoch on stderr (images, images/s, ETA, running loss, loader wait) when stderr is a terminal.
 * (The per-epoch summary lines come from the library's {@code EpochSummaryPrinter}.) The bar never stops a run: if
 * the terminal library fails, one warning says so and the run goes on without it.
 */
final class ProgressListener implements TrainingListener {
    private final PrintStream barStream;
    private final int epochs, batchSize;
    private ProgressBar bar;
    private boolean barFailed;
    private double lossSum, accuracySum;
    private int steps;

    /** {@code barStream} null: no bar (not a terminal, or tests). */
    ProgressListener(PrintStream barStream, int epochs, int batchSize) {
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
            try {
                if (broken != null) broken.close();
                barStream.println("jdnn: progress bar off (" + CliSupport.reason(e) + "); training goes on");
            } catch (Exception | LinkageError ignored) {
                // the terminal is gone as well: nothing more to say there
            }
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
    }
}
