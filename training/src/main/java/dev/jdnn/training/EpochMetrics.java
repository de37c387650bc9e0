package dev.jdnn.training;

/**
 * One finished epoch: mean training loss and top-1 accuracy over its steps (measured on the augmented batches in
 * training mode, as PyTorch training loops usually report them), training throughput, total time the steps waited on the
 * loader, the test evaluation (null without test data), wall time and the learning rate at its end.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double trainImagesPerSecond, double loaderWaitSeconds,
                           EvalResult test, double seconds, double lr) {
}
