package dev.jdnn.training.checkpoint;

/**
 * Where a run stands, enough to continue it exactly: epochs completed, batches done in the current epoch, global
 * optimizer steps (the schedule's position), the optimizer's own step count, the data-order/augmentation seed,
 * the dropout seed (the model's compile seed: the dropout plans' streams start from it; their position within the
 * stream is not observable through the graph API, so a resumed run restarts them), and the best test top-1 so far.
 */
public record TrainingState(int epoch, int batchInEpoch, long globalStep, long optimizerSteps, long seed, long dropoutSeed,
                            String optimizer, double bestTop1) {
}
