package dev.jdnn.networks.models;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.BatchNorm2d;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.layers.Sequential;

import java.util.List;

/**
 * ShuffleNet v1 (Zhang et al. 2017, Table 1), 1.0x with g = 3 groups: Conv-BN-ReLU 24/2 + 3x3/2 max pool, stages
 * 2-4 with 240/480/960 output channels and 4/8/4 units, global pool, FC. A unit is 1x1 group conv (plain conv for the
 * very first unit, whose 24 input channels are too few to group) + BN + ReLU, channel shuffle, 3x3 depthwise conv
 * (stride) + BN, 1x1 group conv + BN; bottleneck width = output/4. Stride-1 units add the input; stride-2 units
 * concatenate a 3x3/2 average-pooled input (so the residual branch produces output - input channels); ReLU after.
 * No torchvision equivalent; names follow the unit's structure. PyTorch default init.
 */
public final class ShuffleNetV1 extends Layer {
    private static final int GROUPS = 3;
    private static final int[] REPEATS = {4, 8, 4};
    /** Table 1, g = 3: stem and stage output channels. */
    private static final int[] CHANNELS = {24, 240, 480, 960};

    private final Sequential conv1, stage2, stage3, stage4;
    private final Pool2d maxpool, avgpool;
    private final Linear fc;

    private ShuffleNetV1(ModelConfig cfg) {
        conv1 = register("conv1", Blocks.convNormAct(cfg.inChannels(), CHANNELS[0], 3, 2, 1, Norm.DEFAULT, Act::relu));
        maxpool = register("maxpool", Pool2d.max(3, 2, 1, false));
        Sequential[] stages = new Sequential[3];
        int in = CHANNELS[0];
        for (int s = 0; s < 3; s++) {
            int out = CHANNELS[s + 1];
            stages[s] = register("stage" + (s + 2), new Sequential(new Unit(in, out, 2, s == 0 ? 1 : GROUPS)));
            for (int i = 1; i < REPEATS[s]; i++) stages[s].add(new Unit(out, out, 1, GROUPS));
            in = out;
        }
        stage2 = stages[0];
        stage3 = stages[1];
        stage4 = stages[2];
        avgpool = register("avgpool", Pool2d.adaptiveAvg(1, 1));
        fc = register("fc", new Linear(in, cfg.numClasses()));
    }

    public static ShuffleNetV1 shufflenetV1(ModelConfig cfg) {
        return new ShuffleNetV1(cfg);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        for (Layer m : List.of(conv1, maxpool, stage2, stage3, stage4, avgpool)) x = t.call(m, x);
        return t.call(fc, t.flatten(x));
    }

    /** The ShuffleNet unit (Fig. 2 b/c). */
    static final class Unit extends Layer {
        private final Conv2d gconv1, dwconv, gconv2;
        private final BatchNorm2d bn1, bn2, bn3;
        private final Act relu;
        private final Pool2d shortcutPool;   // stride-2 units only
        private final int firstGroups;

        Unit(int in, int out, int stride, int firstGroups) {
            this.firstGroups = firstGroups;
            int mid = out / 4, branchOut = stride == 1 ? out : out - in;
            gconv1 = register("gconv1", new Conv2d(in, mid, 1, 1, 0, 1, firstGroups, false));
            bn1 = register("bn1", Norm.DEFAULT.of(mid));
            relu = register("relu", Act.relu());
            dwconv = register("dwconv", new Conv2d(mid, mid, 3, stride, 1, 1, mid, false));
            bn2 = register("bn2", Norm.DEFAULT.of(mid));
            gconv2 = register("gconv2", new Conv2d(mid, branchOut, 1, 1, 0, 1, GROUPS, false));
            bn3 = register("bn3", Norm.DEFAULT.of(branchOut));
            shortcutPool = stride > 1 ? register("shortcut", Pool2d.avg(3, 2, 1, false, true)) : null;
        }

        @Override
        public Value forward(Tracer t, Value x) {
            Value y = t.call(relu, t.call(bn1, t.call(gconv1, x)));
            if (firstGroups > 1) y = t.channelShuffle(y, firstGroups);
            y = t.call(bn2, t.call(dwconv, y));
            y = t.call(bn3, t.call(gconv2, y));
            Value joined = shortcutPool == null ? t.add(y, x) : t.concat(List.of(t.call(shortcutPool, x), y));
            return t.call(relu, joined);
        }
    }
}
