package dev.jdnn.training.listeners;

import dev.jdnn.training.EpochMetrics;
import dev.jdnn.training.TrainingListener;

/**
 * Stops training when the monitored metric has not improved by more than {@code minDelta} for {@code patience}
 * epochs: test top-1 when the Trainer has test data, else (lower is better) the training loss. It stops by throwing
 * {@link TrainingStoppedEarly} from the epoch's end out of {@code Trainer.fit()}, which the caller catches; add it
 * after a {@link CheckpointWriter}, so that epoch's checkpoints are written first.
 *
 * <pre>{@code
 * try { trainer.fit(); } catch (TrainingStoppedEarly stop) { System.out.println(stop.getMessage()); }
 * }</pre>
 */
public final class EarlyStopping implements TrainingListener {
    private final int patience;
    private final double minDelta;
    private double best = Double.NEGATIVE_INFINITY;
    private int bestEpoch = -1, epochsWithoutImprovement;

    public EarlyStopping(int patience, double minDelta) {
        if (patience < 1) throw new IllegalArgumentException("patience must be >= 1, got " + patience);
        if (!(minDelta >= 0)) throw new IllegalArgumentException("minDelta must be >= 0, got " + minDelta);
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public void onEpochEnd(EpochMetrics e) {
        double score = e.test() != null ? e.test().top1() : -e.trainLoss();
        if (score > best + minDelta) {
            best = score;
            bestEpoch = e.epoch();
            epochsWithoutImprovement = 0;
            return;
        }
        if (++epochsWithoutImprovement >= patience) {
            String metric = e.test() != null ? String.format("test top-1 %.2f%%", 100 * best) : String.format("training loss %.4f", -best);
            throw new TrainingStoppedEarly(e.epoch(), bestEpoch, String.format("stopped early after epoch %d: no improvement for %d epochs (best %s at epoch %d)",
                    e.epoch() + 1, patience, metric, bestEpoch + 1));
        }
    }

    /** Thrown out of {@code Trainer.fit()} by {@link EarlyStopping}: not an error, the run's planned end. */
    public static final class TrainingStoppedEarly extends RuntimeException {
        private final int epoch, bestEpoch;

        TrainingStoppedEarly(int epoch, int bestEpoch, String message) {
            super(message, null, false, false);
            this.epoch = epoch;
            this.bestEpoch = bestEpoch;
        }

        /** The last epoch trained (from 0). */
        public int epoch() { return epoch; }

        /** The epoch with the best metric (from 0). */
        public int bestEpoch() { return bestEpoch; }
    }
}
