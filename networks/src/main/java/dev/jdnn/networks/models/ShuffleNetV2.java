package dev.jdnn.networks.models;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.layers.Sequential;

import java.util.List;

/**
 * ShuffleNet v2 (Ma et al. 2018, Table 5) as torchvision builds it: Conv-BN-ReLU 24/2 + 3x3/2 max pool, stages 2-4
 * of 4/8/4 units (the first of each subsamples), 1x1 conv5, global mean, FC. A unit splits channels in half (stride 1)
 * or feeds both branches the whole input (stride 2), concatenates, then shuffles with 2 groups.
 * PyTorch default init. x1_0: 2,278,604 parameters with 1000 classes.
 */
public final class ShuffleNetV2 extends Layer {
    private static final int[] REPEATS = {4, 8, 4};

    /** Output channels of conv1, stages 2-4 and conv5, per width (0.5x, 1.0x, 1.5x, 2.0x). */
    static final int[] X0_5 = {24, 48, 96, 192, 1024};
    static final int[] X1_0 = {24, 116, 232, 464, 1024};
    static final int[] X1_5 = {24, 176, 352, 704, 1024};
    static final int[] X2_0 = {24, 244, 488, 976, 2048};

    private final Sequential conv1, stage2, stage3, stage4, conv5;
    private final Pool2d maxpool, avgpool;
    private final Linear fc;

    private ShuffleNetV2(int[] channels, ModelConfig cfg) {
        conv1 = register("conv1", Blocks.convNormAct(cfg.inChannels(), channels[0], 3, 2, 1, Norm.DEFAULT, Act::relu));
        maxpool = register("maxpool", Pool2d.max(3, 2, 1, false));
        Sequential[] stages = new Sequential[3];
        int in = channels[0];
        for (int s = 0; s < 3; s++) {
            int out = channels[s + 1];
            stages[s] = register("stage" + (s + 2), new Sequential(new InvertedResidual(in, out, 2)));
            for (int i = 1; i < REPEATS[s]; i++) stages[s].add(new InvertedResidual(out, out, 1));
            in = out;
        }
        stage2 = stages[0];
        stage3 = stages[1];
        stage4 = stages[2];
        conv5 = register("conv5", Blocks.convNormAct(in, channels[4], 1, 1, 1, Norm.DEFAULT, Act::relu));
        avgpool = register("avgpool", Pool2d.adaptiveAvg(1, 1));   // torchvision's x.mean([2, 3])
        fc = register("fc", new Linear(channels[4], cfg.numClasses()));
    }

    public static ShuffleNetV2 of(int[] stageChannels, ModelConfig cfg) {
        return new ShuffleNetV2(stageChannels, cfg);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        for (Layer m : List.of(conv1, maxpool, stage2, stage3, stage4, conv5, avgpool)) x = t.call(m, x);
        return t.call(fc, t.flatten(x));
    }

    /** The ShuffleNet v2 unit (Fig. 3 c/d). */
    static final class InvertedResidual extends Layer {
        private final Sequential branch1, branch2;   // branch1 only when stride > 1
        private final int branchChannels;

        InvertedResidual(int in, int out, int stride) {
            if (out % 2 != 0) throw new IllegalArgumentException("ShuffleNetV2 unit output channels must be even, got " + out);
            if (stride == 1 && in != out) throw new IllegalArgumentException("ShuffleNetV2 stride-1 unit needs in == out, got " + in + " -> " + out);
            branchChannels = out / 2;
            branch1 = stride > 1 ? register("branch1", new Sequential(
                    new Conv2d(in, in, 3, stride, 1, 1, in, false), Norm.DEFAULT.of(in),
                    new Conv2d(in, branchChannels, 1, 1, 0, false), Norm.DEFAULT.of(branchChannels), Act.relu())) : null;
            branch2 = register("branch2", new Sequential(
                    new Conv2d(stride > 1 ? in : branchChannels, branchChannels, 1, 1, 0, false), Norm.DEFAULT.of(branchChannels), Act.relu(),
                    new Conv2d(branchChannels, branchChannels, 3, stride, 1, 1, branchChannels, false), Norm.DEFAULT.of(branchChannels),
                    new Conv2d(branchChannels, branchChannels, 1, 1, 0, false), Norm.DEFAULT.of(branchChannels), Act.relu()));
        }

        @Override
        public Value forward(Tracer t, Value x) {
            Value out = branch1 == null
                    ? t.concat(List.of(t.narrowChannels(x, 0, branchChannels), t.call(branch2, t.narrowChannels(x, branchChannels, branchChannels))))
                    : t.concat(List.of(t.call(branch1, x), t.call(branch2, x)));
            return t.channelShuffle(out, 2);
        }
    }
}
