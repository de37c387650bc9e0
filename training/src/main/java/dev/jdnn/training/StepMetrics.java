package dev.jdnn.training;

/**
 * One optimizer step: where (epoch from 0, batch within the epoch, global step), the loss, the learning rate
 * factor's resulting base LR of the first group, throughput of this step, and how long the step waited for data.
 */
public record StepMetrics(int epoch, int batch, int batchesPerEpoch, long globalStep, double loss, double lr,
                          double imagesPerSecond, double loaderWaitMillis) {
}
