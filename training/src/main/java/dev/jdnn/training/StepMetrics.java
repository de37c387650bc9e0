package dev.jdnn.training;

/**
 * One optimizer step: where (epoch from 0, batch within the epoch, global step), the loss, the batch's top-1
 * accuracy (training graph, before the update), the first group's learning rate, throughput of this step, and how
 * long the step waited for data.
 */
public record StepMetrics(int epoch, int batch, int batchesPerEpoch, long globalStep, double loss, double accuracy, double lr,
                          double imagesPerSecond, double loaderWaitMillis) {
}
