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

/**
 * MobileNet v2 (Sandler et al. 2018) as torchvision builds it: stem Conv-BN-ReLU6 32/2, the paper's Table 2 of
 * inverted residual bottlenecks (expand 1x1 + ReLU6, depthwise 3x3 + ReLU6, linear 1x1 projection; residual when
 * stride 1 and widths match), 1x1 conv to 1280, global pool, dropout 0.2, FC. Channels are width-multiplied and
 * rounded to multiples of 8. Init: kaiming_normal(fan_out) convs, Linear N(0, 0.01), zero biases.
 * 3,504,872 parameters at width 1.0 with 1000 classes.
 */
public final class MobileNetV2 extends Layer {
    /** Table 2: expansion t, output channels c, repeats n, first stride s. */
    private static final int[][] SETTINGS = {
            {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};

    private final Sequential features, classifier;
    private final Pool2d avgpool;

    private MobileNetV2(ModelConfig cfg) {
        double width = cfg.widthMultiplier();
        int in = Blocks.makeDivisible(32 * width, 8);
        int last = Blocks.makeDivisible(1280 * Math.max(1.0, width), 8);
        features = register("features", new Sequential(Blocks.convNormAct(cfg.inChannels(), in, 3, 2, 1, Norm.DEFAULT, Act::relu6)));
        for (int[] s : SETTINGS) {
            int out = Blocks.makeDivisible(s[1] * width, 8);
            for (int i = 0; i < s[2]; i++) {
                features.add(new InvertedResidual(in, out, i == 0 ? s[3] : 1, s[0]));
                in = out;
            }
        }
        features.add(Blocks.convNormAct(in, last, 1, 1, 1, Norm.DEFAULT, Act::relu6));
        avgpool = register("avgpool", Pool2d.adaptiveAvg(1, 1));
        classifier = register("classifier", new Sequential(new Dropout(0.2f), new Linear(last, cfg.numClasses())));
        WeightInit.kaimingConvs(this);
        WeightInit.linears(this, l -> Init.normal(0, 0.01), Init.zeros());
    }

    public static MobileNetV2 mobilenetV2(ModelConfig cfg) {
        return new MobileNetV2(cfg);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return t.call(classifier, t.flatten(t.call(avgpool, t.call(features, x))));
    }

    /** torchvision's InvertedResidual: its layers in a Sequential named "conv". */
    static final class InvertedResidual extends Layer {
        private final Sequential conv;
        private final boolean residual;

        InvertedResidual(int in, int out, int stride, int expandRatio) {
            int hidden = Math.round(in * (float) expandRatio);
            residual = stride == 1 && in == out;
            Sequential layers = new Sequential();
            if (expandRatio != 1) layers.add(Blocks.convNormAct(in, hidden, 1, 1, 1, Norm.DEFAULT, Act::relu6));
            layers.add(Blocks.convNormAct(hidden, hidden, 3, stride, hidden, Norm.DEFAULT, Act::relu6));
            layers.add(new Conv2d(hidden, out, 1, 1, 0, false));
            layers.add(Norm.DEFAULT.of(out));
            conv = register("conv", layers);
        }

        @Override
        public Value forward(Tracer t, Value x) {
            Value y = t.call(conv, x);
            return residual ? t.add(x, y) : y;
        }
    }
}
