package dev.jdnn.networks.graph;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.BatchNorm2d;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Dropout;
import dev.jdnn.networks.layers.Flatten;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.layers.Sequential;

import java.util.List;
import java.util.function.Supplier;

/**
 * Small networks exercising the graph layer's structural ops; each is a few hundred parameters. The activation is a
 * parameter: ReLU as the real families use, or a smooth one (SiLU) for finite-difference checks, where ReLU's kinks
 * (dense in a tiny net: a shift of 1e-3 crosses some) make central differences disagree with the true gradient.
 */
final class TinyNets {
    private TinyNets() {}

    static final Supplier<Act> RELU = Act::relu, SMOOTH = Act::silu;

    /** conv-BN-ReLU-conv-BN plus identity (or 1x1 conv + BN projection) shortcut, then ReLU. */
    static final class ResidualBlock extends Layer {
        final Conv2d conv1, conv2;
        final BatchNorm2d bn1, bn2;
        final Sequential downsample; // null for identity
        final Act relu;

        ResidualBlock(int in, int out, int stride, Supplier<Act> act) {
            relu = register("relu", act.get());
            conv1 = register("conv1", new Conv2d(in, out, 3, stride, 1, false));
            bn1 = register("bn1", new BatchNorm2d(out));
            conv2 = register("conv2", new Conv2d(out, out, 3, 1, 1, false));
            bn2 = register("bn2", new BatchNorm2d(out));
            downsample = stride != 1 || in != out
                    ? register("downsample", new Sequential(new Conv2d(in, out, 1, stride, 0, false), new BatchNorm2d(out)))
                    : null;
        }

        @Override
        public Value forward(Tracer t, Value x) {
            Value y = t.call(relu, t.call(bn1, t.call(conv1, x)));
            y = t.call(bn2, t.call(conv2, y));
            Value shortcut = downsample == null ? x : t.call(downsample, x);
            return t.call(relu, t.add(y, shortcut));
        }
    }

    /** Three branches concatenated: 1x1 conv; 1x1 conv-BN-ReLU-3x3 conv; 3x3 max pool then 1x1 conv. */
    static final class InceptionBlock extends Layer {
        final Sequential branch1, branch2, branch3;

        InceptionBlock(int in, int c1, int c2, int c3, Supplier<Act> act) {
            branch1 = register("branch1", new Sequential(new Conv2d(in, c1, 1, 1, 0, true), act.get()));
            branch2 = register("branch2", new Sequential(new Conv2d(in, c2, 1, 1, 0, false), new BatchNorm2d(c2), act.get(),
                    new Conv2d(c2, c2, 3, 1, 1, true)));
            branch3 = register("branch3", new Sequential(Pool2d.max(3, 1, 1, false), new Conv2d(in, c3, 1, 1, 0, true)));
        }

        @Override
        public Value forward(Tracer t, Value x) {
            return t.concat(List.of(t.call(branch1, x), t.call(branch2, x), t.call(branch3, x)));
        }
    }

    /**
     * ShuffleNet/SE/CIFAR-ResNet odds and ends: a channel split (narrowChannels) with one half passed through and the
     * other convolved, concatenated and shuffled; a squeeze-and-excitation gate; an option-A padded shortcut (stride 2, channels doubled).
     */
    static final class MixedBlock extends Layer {
        final Sequential branch, squeeze;
        final Conv2d conv;
        final Act relu;

        MixedBlock(int channels, Supplier<Act> act) {
            int half = channels / 2;
            branch = register("branch", new Sequential(new Conv2d(half, half, 3, 1, 1, false), new BatchNorm2d(half), act.get()));
            squeeze = register("squeeze", new Sequential(Pool2d.adaptiveAvg(1, 1), new Conv2d(channels, 2, 1, 1, 0, true), act.get(),
                    new Conv2d(2, channels, 1, 1, 0, true), Act.sigmoid()));
            conv = register("conv", new Conv2d(channels, 2 * channels, 3, 2, 1, false));
            relu = register("relu", act.get());
        }

        @Override
        public Value forward(Tracer t, Value x) {
            int c = x.dim(1), half = c / 2;
            Value left = t.narrowChannels(x, 0, half), right = t.narrowChannels(x, half, c - half);
            Value y = t.channelShuffle(t.concat(List.of(left, t.call(branch, right))), 2);
            y = t.scaleChannels(y, t.call(squeeze, y));
            Value down = t.call(conv, y);
            Value shortcut = t.shortcutPadChannels(y, 2, 2 * c);
            return t.call(relu, t.add(down, shortcut));
        }
    }

    /** body, then global average pool, flatten, optional dropout, and a linear classifier. */
    static final class Classifier extends Layer {
        final Layer body;
        final Layer pool = register("pool", Pool2d.adaptiveAvg(1, 1));
        final Layer flatten = register("flatten", new Flatten());
        final Layer dropout;
        final Linear fc;

        Classifier(Layer body, int features, int classes, float dropoutP) {
            this.body = register("body", body);
            this.dropout = dropoutP > 0 ? register("dropout", new Dropout(dropoutP)) : null;
            this.fc = register("fc", new Linear(features, classes));
        }

        @Override
        public Value forward(Tracer t, Value x) {
            Value y = t.call(flatten, t.call(pool, t.call(body, x)));
            if (dropout != null) y = t.call(dropout, y);
            return t.call(fc, y);
        }
    }

    static Layer residualNet(int classes, Supplier<Act> act) {
        return new Classifier(new Sequential(new ResidualBlock(3, 3, 1, act), new ResidualBlock(3, 4, 2, act)), 4, classes, 0f);
    }

    static Layer inceptionNet(int classes, Supplier<Act> act) {
        return new Classifier(new InceptionBlock(3, 2, 3, 2, act), 7, classes, 0f);
    }

    static Layer mixedNet(int classes, Supplier<Act> act) {
        return new Classifier(new Sequential(new Conv2d(3, 4, 3, 1, 1, false), new MixedBlock(4, act)), 8, classes, 0f);
    }

    /** A deeper mix of everything (for the memory-plan tests). */
    static Layer deepNet(int classes, float dropoutP) {
        Supplier<Act> act = RELU;
        Sequential body = new Sequential(new Conv2d(3, 4, 3, 1, 1, false), new BatchNorm2d(4), Act.relu());
        body.add(new ResidualBlock(4, 4, 1, act)).add(new ResidualBlock(4, 4, 1, act)).add(new InceptionBlock(4, 2, 3, 3, act))
                .add(new ResidualBlock(8, 8, 1, act)).add(new MixedBlock(8, act)).add(new ResidualBlock(16, 16, 2, act))
                .add(new ResidualBlock(16, 16, 1, act));
        return new Classifier(body, 16, classes, dropoutP);
    }

    /** Calls the same conv twice (shared parameters: its gradient accumulates over both uses). */
    static final class SharedConv extends Layer {
        final Conv2d conv = register("conv", new Conv2d(3, 3, 3, 1, 1, true));
        final Act act;

        SharedConv(Supplier<Act> act) {
            this.act = register("act", act.get());
        }

        @Override
        public Value forward(Tracer t, Value x) {
            return t.call(conv, t.call(act, t.call(conv, x)));
        }
    }

    /** A GoogLeNet-style auxiliary classifier on an intermediate feature map, active only in training. */
    static final class WithAuxHead extends Layer {
        final Sequential stem, aux;
        final Classifier main;
        final float auxWeight;

        WithAuxHead(Supplier<Act> act, int classes, float auxWeight) {
            stem = register("stem", new Sequential(new Conv2d(3, 4, 3, 1, 1, false), new BatchNorm2d(4), act.get()));
            aux = register("aux", new Sequential(Pool2d.avg(2, 2), new Flatten(), new Linear(4 * 9, classes)));
            main = register("main", new Classifier(new Conv2d(4, 5, 3, 1, 1, true), 5, classes, 0f));
            this.auxWeight = auxWeight;
        }

        @Override
        public Value forward(Tracer t, Value x) {
            Value features = t.call(stem, x);
            if (t.training()) t.auxiliaryOutput(t.call(aux, features), auxWeight);
            return t.call(main, features);
        }
    }
}
