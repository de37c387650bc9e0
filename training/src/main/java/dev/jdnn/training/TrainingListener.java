package dev.jdnn.training;

/**
 * Callbacks from {@link Trainer#fit()}, called in the order the listeners were added: progress bars, metric files,
 * checkpoints and stopping on divergence ({@code dev.jdnn.training.listeners}), early stopping by throwing.
 */
public interface TrainingListener {
    /** At the start of every {@link Trainer#fit} call, before any step: the trainer to read state from later. */
    default void onFitStart(Trainer trainer) {}

    default void onEpochStart(int epoch, int batches, int firstBatch) {}

    /**
     * After every step, once the trainer has counted it ({@link StepMetrics#globalStep()} is the steps taken, this one
     * included). A step the device skipped because its loss was NaN or infinite has that loss here; it changed no
     * parameter and the optimizer did not count it.
     */
    default void onStep(StepMetrics step) {}

    /** After an epoch's evaluation; the trainer's {@link Trainer#state()} is already at the next epoch. */
    default void onEpochEnd(EpochMetrics epoch) {}
}
