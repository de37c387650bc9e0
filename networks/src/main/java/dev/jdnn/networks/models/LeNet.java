package dev.jdnn.networks.models;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.layers.Sequential;

/**
 * LeNet-5 (LeCun et al. 1998) in its common modern reading: C1 6@5x5 → S2 2x2 average pool → C3 16@5x5 (fully
 * connected to S2, not the paper's sparse table) → S4 → F5 120 → F6 84 → linear output (instead of RBF units),
 * tanh activations. No torchvision equivalent; keys follow the features/classifier layout of torchvision's AlexNet.
 *
 * <p>{@code lenet5} expects the classic 32x32 input. {@code lenet5_28} is the variant for 28x28 (Fashion-)MNIST:
 * C1 gets padding 2, so C1's output is 28x28 as in the paper and every later layer (and the 400-feature flatten)
 * is identical to LeNet-5 — the paper padded MNIST's 28x28 digits to 32x32 for the same reason.
 * Other sizes work too: F5's input width follows the image size.
 */
public final class LeNet extends Layer {
    private final Sequential features, classifier;

    private LeNet(ModelConfig cfg, int conv1Padding) {
        int h = spatialAfterFeatures(cfg.height(), conv1Padding), w = spatialAfterFeatures(cfg.width(), conv1Padding);
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("LeNet-5 needs an input of at least " + (16 - 2 * conv1Padding) + "x" + (16 - 2 * conv1Padding)
                    + ", got " + cfg.height() + "x" + cfg.width());
        }
        features = register("features", new Sequential(
                new Conv2d(cfg.inChannels(), 6, 5, 1, conv1Padding, true), Act.tanh(), Pool2d.avg(2, 2),
                new Conv2d(6, 16, 5, 1, 0, true), Act.tanh(), Pool2d.avg(2, 2)));
        classifier = register("classifier", new Sequential(
                new Linear(16 * h * w, 120), Act.tanh(),
                new Linear(120, 84), Act.tanh(),
                new Linear(84, cfg.numClasses())));
    }

    /** conv 5x5 (with padding) → pool 2 → conv 5x5 → pool 2. */
    private static int spatialAfterFeatures(int size, int conv1Padding) {
        int c1 = size + 2 * conv1Padding - 4;
        return c1 < 12 ? 0 : ((c1 / 2) - 4) / 2;
    }

    /** The classic LeNet-5 for 32x32 inputs (61,706 parameters with 1 channel and 10 classes). */
    public static LeNet lenet5(ModelConfig cfg) {
        return new LeNet(cfg, 0);
    }

    /** LeNet-5 for 28x28 inputs: C1 padded by 2, the rest unchanged. */
    public static LeNet lenet5For28(ModelConfig cfg) {
        return new LeNet(cfg, 2);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return t.call(classifier, t.flatten(t.call(features, x)));
    }
}
