package dev.jdnn.training.checkpoint;

/**
 * Where a run stands, enough to continue it exactly: epochs completed, batches done in the current epoch, global
 * optimizer steps (the schedule's position), the optimizer's own step count, the data-order/augmentation seed,
 * the dropout seed (the model's compile seed: the dropout and stochastic-depth streams are seeded from it), the
 * position of each of those streams ({@link dev.jdnn.networks.graph.CompiledModel#randomPositions()}, in graph
 * order; null in checkpoints written before positions were recorded, whose streams restart on resume), and the best
 * test top-1 so far.
 */
public record TrainingState(int epoch, int batchInEpoch, long globalStep, long optimizerSteps, long seed, long dropoutSeed,
                            String optimizer, double bestTop1, long[] randomPositions) {
}
