package dev.jdnn.networks.models;

import dev.jdnn.networks.Init;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Dropout;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.layers.Sequential;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * VGG (Simonyan and Zisserman 2014), as torchvision builds it: 3x3 convs (with bias) [+ BN] + ReLU, 2x2 max pools,
 * adaptive 7x7 average pool, three FC layers with dropout. Init: kaiming_normal(fan_out) convs, N(0, 0.01) linears,
 * zero biases.
 */
public final class Vgg extends Layer {
    /** A max pool in a configuration row. */
    private static final int M = -1;

    /** The paper's Table 1 columns A, B, D, E (11, 13, 16, 19 weight layers): conv widths and pools. */
    static final Map<Integer, int[]> CONFIGS = Map.of(
            11, new int[]{64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M},
            13, new int[]{64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M},
            16, new int[]{64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M},
            19, new int[]{64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M});

    private final Sequential features, classifier;
    private final Pool2d avgpool;

    private Vgg(int[] config, boolean batchNorm, ModelConfig cfg) {
        Sequential f = new Sequential();
        int in = cfg.inChannels();
        for (int v : config) {
            if (v == M) {
                f.add(Pool2d.max(2, 2));
                continue;
            }
            f.add(new Conv2d(in, v, 3, 1, 1, true));
            if (batchNorm) f.add(Norm.DEFAULT.of(v));
            f.add(Act.relu());
            in = v;
        }
        features = register("features", f);
        avgpool = register("avgpool", Pool2d.adaptiveAvg(7, 7));
        classifier = register("classifier", new Sequential(
                new Linear(512 * 7 * 7, 4096), Act.relu(), new Dropout(0.5f),
                new Linear(4096, 4096), Act.relu(), new Dropout(0.5f),
                new Linear(4096, cfg.numClasses())));
        WeightInit.kaimingConvs(this);
        WeightInit.linears(this, l -> Init.normal(0, 0.01), Init.zeros());
    }

    /** vgg11/13/16/19 by depth, with or without batch normalisation. */
    public static Vgg vgg(int depth, boolean batchNorm, ModelConfig cfg) {
        int[] config = CONFIGS.get(depth);
        if (config == null) throw new IllegalArgumentException("VGG depth must be one of " + CONFIGS.keySet() + ", got " + depth);
        return new Vgg(config, batchNorm, cfg);
    }

    /**
     * The last block of convolutions (after the fourth pool, with their BNs) and the two hidden fully connected
     * layers, as {@code features.i} / {@code classifier.i} paths.
     */
    static List<String> lastStage(int depth, boolean batchNorm) {
        List<String> out = new ArrayList<>();
        int index = 0, pools = 0;
        for (int v : CONFIGS.get(depth)) {
            if (v == M) {
                pools++;
                index++;
                continue;
            }
            if (pools == 4) {
                out.add("features." + index);
                if (batchNorm) out.add("features." + (index + 1));
            }
            index += batchNorm ? 3 : 2;
        }
        out.add("classifier.0");
        out.add("classifier.3");
        return out;
    }

    @Override
    public Value forward(Tracer t, Value x) {
        x = t.call(avgpool, t.call(features, x));
        return t.call(classifier, t.flatten(x));
    }
}
