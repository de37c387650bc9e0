package dev.jdnn.training;

/** Callbacks from {@link Trainer#fit()}: progress bars, metric files, early stopping by throwing. */
public interface TrainingListener {
    default void onEpochStart(int epoch, int batches, int firstBatch) {}

    default void onStep(StepMetrics step) {}

    default void onEpochEnd(EpochMetrics epoch) {}
}
