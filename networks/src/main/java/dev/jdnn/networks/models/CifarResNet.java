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
 * He et al. 2015 §4.2's ResNets for CIFAR-10: a 3x3 conv with 16 filters, then three stages of n BasicBlocks with
 * 16, 32 and 64 filters (the first block of stages 2 and 3 subsamples by 2), global average pool, FC: 6n+2 weighted
 * layers (n = 3, 5, 7, 9, 18 → resnet20/32/44/56/110). Shortcuts are identities; where shape changes they are
 * option A (subsample + zero-pad channels, parameter-free, the paper's CIFAR choice) by default, or option B (1x1
 * projection) via {@link ModelConfig#shortcut()}. Init as torchvision's ResNet (kaiming_normal fan_out).
 */
public final class CifarResNet extends Layer {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Act relu;
    private final Sequential[] layers = new Sequential[3];
    private final Pool2d avgpool;
    private final Linear fc;

    private CifarResNet(int n, ModelConfig cfg) {
        conv1 = register("conv1", new Conv2d(cfg.inChannels(), 16, 3, 1, 1, false));
        bn1 = register("bn1", Norm.DEFAULT.of(16));
        relu = register("relu", Act.relu());
        int in = 16;
        for (int stage = 0; stage < 3; stage++) {
            int planes = 16 << stage;
            Sequential layer = new Sequential();
            for (int b = 0; b < n; b++) {
                layer.add(new ResNet.BasicBlock(in, planes, b == 0 && stage > 0 ? 2 : 1, cfg.shortcut()));
                in = planes;
            }
            layers[stage] = register("layer" + (stage + 1), layer);
        }
        avgpool = register("avgpool", Pool2d.adaptiveAvg(1, 1));
        fc = register("fc", new Linear(64, cfg.numClasses()));
        WeightInit.kaimingConvs(this);
    }

    /** The network with 6n+2 layers; depth must be 20, 32, 44, 56, 110, ... (depth - 2 divisible by 6). */
    public static CifarResNet ofDepth(int depth, ModelConfig cfg) {
        if (depth < 8 || (depth - 2) % 6 != 0) throw new IllegalArgumentException("CIFAR ResNet depth must be 6n+2 (20, 32, 44, 56, 110), got " + depth);
        return new CifarResNet((depth - 2) / 6, cfg);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        x = t.call(relu, t.call(bn1, t.call(conv1, x)));
        for (Sequential layer : layers) x = t.call(layer, x);
        return t.call(fc, t.flatten(t.call(avgpool, x)));
    }
}
