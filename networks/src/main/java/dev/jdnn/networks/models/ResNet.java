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

/**
 * ResNet v1.5 and ResNeXt as torchvision builds them (He et al. 2015 Table 1; Xie et al. 2016): 7x7/2 stem + 3x3/2
 * max pool, four stages of BasicBlocks or Bottlenecks (stride on the 3x3 conv), projection shortcuts
 * {@code downsample.0/1} where the shape changes, global average pool, FC. Init: kaiming_normal(fan_out) convs, BN
 * 1/0, FC keeps PyTorch's default; zero_init_residual off. Works at 32x32 too (the stem just shrinks it faster).
 */
public final class ResNet extends Layer {
    /** One column of the paper's Table 1: the block type, blocks per stage, and ResNeXt's cardinality and width. */
    record Spec(boolean bottleneck, int[] layers, int groups, int widthPerGroup) {
        int expansion() { return bottleneck ? 4 : 1; }
    }

    static final Spec R18 = new Spec(false, new int[]{2, 2, 2, 2}, 1, 64);
    static final Spec R34 = new Spec(false, new int[]{3, 4, 6, 3}, 1, 64);
    static final Spec R50 = new Spec(true, new int[]{3, 4, 6, 3}, 1, 64);
    static final Spec R101 = new Spec(true, new int[]{3, 4, 23, 3}, 1, 64);
    static final Spec R152 = new Spec(true, new int[]{3, 8, 36, 3}, 1, 64);
    static final Spec RX50_32X4D = new Spec(true, new int[]{3, 4, 6, 3}, 32, 4);
    static final Spec RX101_32X8D = new Spec(true, new int[]{3, 4, 23, 3}, 32, 8);

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Act relu;
    private final Pool2d maxpool, avgpool;
    private final Sequential[] layers = new Sequential[4];
    private final Linear fc;

    ResNet(Spec spec, ModelConfig cfg) {
        conv1 = register("conv1", new Conv2d(cfg.inChannels(), 64, 7, 2, 3, false));
        bn1 = register("bn1", Norm.DEFAULT.of(64));
        relu = register("relu", Act.relu());
        maxpool = register("maxpool", Pool2d.max(3, 2, 1, false));
        int in = 64;
        for (int stage = 0; stage < 4; stage++) {
            int planes = 64 << stage, stride = stage == 0 ? 1 : 2;
            Sequential layer = new Sequential();
            for (int b = 0; b < spec.layers()[stage]; b++) {
                layer.add(spec.bottleneck()
                        ? new Bottleneck(in, planes, b == 0 ? stride : 1, spec.groups(), spec.widthPerGroup())
                        : new BasicBlock(in, planes, b == 0 ? stride : 1, ModelConfig.Shortcut.B_PROJECTION));
                in = planes * spec.expansion();
            }
            layers[stage] = register("layer" + (stage + 1), layer);
        }
        avgpool = register("avgpool", Pool2d.adaptiveAvg(1, 1));
        fc = register("fc", new Linear(512 * spec.expansion(), cfg.numClasses()));
        WeightInit.kaimingConvs(this);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        x = t.call(maxpool, t.call(relu, t.call(bn1, t.call(conv1, x))));
        for (Sequential layer : layers) x = t.call(layer, x);
        return t.call(fc, t.flatten(t.call(avgpool, x)));
    }

    /** The 1x1 projection shortcut torchvision names downsample: Sequential(conv1x1 (stride, no bias), BN). */
    static Sequential projection(int in, int out, int stride) {
        return new Sequential(new Conv2d(in, out, 1, stride, 0, false), Norm.DEFAULT.of(out));
    }

    /** Two 3x3 convs with an identity (or projection / zero-padding) shortcut; ResNet-18/34 and CIFAR ResNets. */
    static final class BasicBlock extends Layer {
        private final Conv2d conv1, conv2;
        private final BatchNorm2d bn1, bn2;
        private final Act relu;
        private final Sequential downsample;   // projection shortcut, or null
        private final boolean padShortcut;     // option A: subsample + zero-pad channels
        private final int stride, planes;

        BasicBlock(int in, int planes, int stride, ModelConfig.Shortcut shortcut) {
            this.stride = stride;
            this.planes = planes;
            conv1 = register("conv1", new Conv2d(in, planes, 3, stride, 1, false));
            bn1 = register("bn1", Norm.DEFAULT.of(planes));
            relu = register("relu", Act.relu());
            conv2 = register("conv2", new Conv2d(planes, planes, 3, 1, 1, false));
            bn2 = register("bn2", Norm.DEFAULT.of(planes));
            boolean reshapes = stride != 1 || in != planes;
            downsample = reshapes && shortcut == ModelConfig.Shortcut.B_PROJECTION ? register("downsample", projection(in, planes, stride)) : null;
            padShortcut = reshapes && shortcut == ModelConfig.Shortcut.A_ZERO_PAD;
        }

        @Override
        public Value forward(Tracer t, Value x) {
            Value out = t.call(relu, t.call(bn1, t.call(conv1, x)));
            out = t.call(bn2, t.call(conv2, out));
            Value identity = downsample != null ? t.call(downsample, x) : padShortcut ? t.shortcutPadChannels(x, stride, planes) : x;
            return t.call(relu, t.add(out, identity));
        }
    }

    /** 1x1 reduce, 3x3 (stride, groups), 1x1 expand x4; ResNet-50+ and ResNeXt. */
    static final class Bottleneck extends Layer {
        private final Conv2d conv1, conv2, conv3;
        private final BatchNorm2d bn1, bn2, bn3;
        private final Act relu;
        private final Sequential downsample;

        Bottleneck(int in, int planes, int stride, int groups, int widthPerGroup) {
            int width = planes * widthPerGroup / 64 * groups, out = planes * 4;
            conv1 = register("conv1", new Conv2d(in, width, 1, 1, 0, false));
            bn1 = register("bn1", Norm.DEFAULT.of(width));
            conv2 = register("conv2", new Conv2d(width, width, 3, stride, 1, 1, groups, false));
            bn2 = register("bn2", Norm.DEFAULT.of(width));
            conv3 = register("conv3", new Conv2d(width, out, 1, 1, 0, false));
            bn3 = register("bn3", Norm.DEFAULT.of(out));
            relu = register("relu", Act.relu());
            downsample = stride != 1 || in != out ? register("downsample", projection(in, out, stride)) : null;
        }

        @Override
        public Value forward(Tracer t, Value x) {
            Value out = t.call(relu, t.call(bn1, t.call(conv1, x)));
            out = t.call(relu, t.call(bn2, t.call(conv2, out)));
            out = t.call(bn3, t.call(conv3, out));
            return t.call(relu, t.add(out, downsample != null ? t.call(downsample, x) : x));
        }
    }
}
