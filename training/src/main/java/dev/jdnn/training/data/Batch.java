package dev.jdnn.training.data;

import dev.jdnn.memory.Tensor;

/**
 * One prepared batch: images [batchSize, C, H, W] in a reused host buffer and their labels. When the data set ran
 * out before the batch was full (evaluation's last batch), only the first {@link #count()} entries are real; the
 * rest are zero images with label 0 whose outputs must be ignored. Valid until the loader's next {@code next()}.
 */
public record Batch(int index, int count, Tensor images, int[] labels) {
    public int capacity() {
        return labels.length;
    }

    public boolean isPadded() {
        return count < labels.length;
    }
}
