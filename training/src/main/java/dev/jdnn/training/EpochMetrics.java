package dev.jdnn.training;

/**
 * One finished epoch: mean training loss over its steps, training throughput, total time the steps waited on the
 * loader, the test evaluation (null without test data), wall time and the learning rate at its end.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainImagesPerSecond, double loaderWaitSeconds,
                           EvalResult test, double seconds, double lr) {
}
