package dev.jdnn.training;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.BatchNorm2d;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Dropout;
import dev.jdnn.networks.layers.Flatten;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.layers.Sequential;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.training.data.ByteImageDataset;
import dev.jdnn.training.optim.GroupRules;
import dev.jdnn.training.optim.Optimizer;
import dev.jdnn.training.optim.Optimizers;
import dev.jdnn.ops.OptimizerConfig;

import java.util.List;
import java.util.SplittableRandom;

/** A tiny conv net and a synthetic 3-class data set of 8×8 images, small enough for unit tests of the training loop. */
final class TinySetup {
    static final int BATCH = 4;
    static final CpuBackend BACKEND = new CpuBackend();

    private TinySetup() {}

    static Layer tinyNet() {
        return new Sequential(new Conv2d(1, 4, 3, 1, 1, true), new BatchNorm2d(4), Act.relu(), Pool2d.max(2, 2),
                new Flatten(), new Linear(4 * 4 * 4, 3));
    }

    /** The tiny net with both kinds of randomness: a residual branch under stochastic depth, dropout before the classifier. */
    static Layer tinyNetWithRandomness() {
        return new Sequential(new Conv2d(1, 4, 3, 1, 1, true), new BatchNorm2d(4), Act.relu(), new DroppedResidual(4, 0.3f),
                Pool2d.max(2, 2), new Flatten(), new Dropout(0.3f), new Linear(4 * 4 * 4, 3));
    }

    /** x + stochasticDepth(conv(x), p), as EfficientNet's blocks use it. */
    static final class DroppedResidual extends Layer {
        final Conv2d conv;
        final float p;

        DroppedResidual(int channels, float p) {
            this.conv = register("conv", new Conv2d(channels, channels, 3, 1, 1, true));
            this.p = p;
        }

        @Override
        public Value forward(Tracer t, Value x) {
            return t.add(x, t.stochasticDepth(t.call(conv, x), p));
        }
    }

    static CompiledModel compileWithRandomness() {
        return CompiledModel.compile(tinyNetWithRandomness(), Shape.of(BATCH, 1, 8, 8), BACKEND, 1234);
    }

    static CompiledModel compile() {
        return compile(1234);
    }

    static CompiledModel compile(long initSeed) {
        return CompiledModel.compile(tinyNet(), Shape.of(BATCH, 1, 8, 8), BACKEND, initSeed);
    }

    /** Class c images are bright in row band c plus noise; {@code n} images, labels i mod 3. */
    static ByteImageDataset data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] px = new byte[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int k = 0; k < 64; k++) {
                int row = k / 8;
                int v = (row / 3 == labels[i] ? 180 : 40) + r.nextInt(60);
                px[i * 64 + k] = (byte) v;
            }
            px[i * 64] = (byte) i; // a per-image marker some tests use
        }
        return new ByteImageDataset(px, labels, 1, 8, 8, List.of("top", "middle", "bottom"));
    }

    static Optimizer sgd(CompiledModel m, double lr) {
        return Optimizers.create(m, new GroupRules(lr, 5e-4).noDecayOnRank1(true).partition(m.trainableParameters()), new OptimizerConfig.Sgd(0.9, 0, 5e-4, true));
    }
}
