package dev.jdnn.networks.models;

import dev.jdnn.networks.Init;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.layers.Sequential;

/**
 * MobileNet v1 (Howard et al. 2017), following the paper's Table 1: a 3x3/2 conv with 32 filters, then 13 depthwise
 * separable layers (3x3 depthwise conv + BN + ReLU, 1x1 pointwise conv + BN + ReLU), global average pool, FC.
 * The width multiplier alpha scales every layer's channels (at least 8, as TF-slim's min_depth). The paper's
 * second-to-last row lists stride 2 for a 7x7 → 7x7 layer; that is a typo, it is stride 1 here as in every
 * reference implementation. No torchvision equivalent; keys: {@code features.0.0.weight} (stem Conv-BN-ReLU as
 * torchvision's Conv2dNormActivation), {@code features.N.dw.0.weight} / {@code features.N.pw.1.running_mean}, {@code fc}.
 * BN eps 1e-3 as in the TF original; init as torchvision's MobileNetV2. 4,231,976 parameters at alpha 1, 1000 classes.
 */
public final class MobileNetV1 extends Layer {
    /** Table 1 after the stem: (depthwise stride, pointwise output channels) per separable layer. */
    private static final int[][] LAYERS = {
            {1, 64}, {2, 128}, {1, 128}, {2, 256}, {1, 256}, {2, 512},
            {1, 512}, {1, 512}, {1, 512}, {1, 512}, {1, 512}, {2, 1024}, {1, 1024}};
    private static final Norm NORM = Norm.EPS_1E3;

    private final Sequential features;
    private final Pool2d avgpool;
    private final Linear fc;

    private MobileNetV1(ModelConfig cfg) {
        double alpha = cfg.widthMultiplier();
        int in = scaled(32, alpha);
        features = register("features", new Sequential(Blocks.convNormAct(cfg.inChannels(), in, 3, 2, 1, NORM, Act::relu)));
        for (int[] layer : LAYERS) {
            int out = scaled(layer[1], alpha);
            features.add(new Sequential()
                    .add("dw", Blocks.convNormAct(in, in, 3, layer[0], in, NORM, Act::relu))
                    .add("pw", Blocks.convNormAct(in, out, 1, 1, 1, NORM, Act::relu)));
            in = out;
        }
        avgpool = register("avgpool", Pool2d.adaptiveAvg(1, 1));
        fc = register("fc", new Linear(in, cfg.numClasses()));
        WeightInit.kaimingConvs(this);
        WeightInit.linears(this, l -> Init.normal(0, 0.01), Init.zeros());
    }

    private static int scaled(int channels, double alpha) {
        return Math.max(8, (int) (channels * alpha));
    }

    public static MobileNetV1 mobilenetV1(ModelConfig cfg) {
        return new MobileNetV1(cfg);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return t.call(fc, t.flatten(t.call(avgpool, t.call(features, x))));
    }
}
