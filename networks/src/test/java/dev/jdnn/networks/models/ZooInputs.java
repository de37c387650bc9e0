package dev.jdnn.networks.models;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.ModelTrace;

/**
 * The smallest input a zoo model takes, for quick whole-zoo runs: LeNet-5 its own (1x32x32, 1x28x28 for lenet5_28),
 * every other model 3xSxS with the first S of 32, 64, 96, 128 that traces to logits in training and evaluation
 * (shape-only, no backend).
 */
final class ZooInputs {
    private static final int[] SIZES = {32, 64, 96, 128};

    private ZooInputs() {}

    static Shape smallest(String name, int batch) {
        if (name.equals("lenet5_28")) return Shape.of(batch, 1, 28, 28);
        if (name.startsWith("lenet")) return Shape.of(batch, 1, 32, 32);
        for (int s : SIZES) {
            Shape in = Shape.of(batch, 3, s, s);
            try {
                var m = Models.create(name, ModelConfig.of(10, 3, s, s));
                ModelTrace.of(m, in, true);
                ModelTrace.of(m, in, false);
                return in;
            } catch (RuntimeException tooSmall) {
                // the next size
            }
        }
        throw new IllegalArgumentException(name + " takes none of the input sizes " + java.util.Arrays.toString(SIZES));
    }
}
