package dev.jdnn.networks.models;

import dev.jdnn.networks.Init;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.Dropout;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.layers.Sequential;

import java.util.List;
import java.util.function.Supplier;

/**
 * MobileNet v3 Large and Small (Howard et al. 2019, Tables 1 and 2) as torchvision builds them: hardswish stem 16/2,
 * inverted residual blocks with optional squeeze-and-excitation (squeeze = make_divisible(expanded/4, 8), ReLU +
 * hardsigmoid), ReLU or hardswish, 1x1 conv to 6x the last width, global pool, FC + hardswish + dropout 0.2 + FC.
 * BN eps 1e-3, momentum 0.01. Init: kaiming_normal(fan_out) convs, Linear N(0, 0.01), zero biases.
 * 5,483,032 (large) and 2,542,856 (small) parameters with 1000 classes.
 */
public final class MobileNetV3 extends Layer {
    private static final Norm NORM = Norm.TF;

    /** One table row: input, kernel, expanded and output channels, SE, hardswish (else ReLU), stride. */
    private record Row(int in, int kernel, int expanded, int out, boolean se, boolean hardswish, int stride) {}

    private static Row re(int in, int k, int exp, int out, boolean se, int stride) { return new Row(in, k, exp, out, se, false, stride); }
    private static Row hs(int in, int k, int exp, int out, boolean se, int stride) { return new Row(in, k, exp, out, se, true, stride); }

    private static final List<Row> LARGE = List.of(
            re(16, 3, 16, 16, false, 1), re(16, 3, 64, 24, false, 2), re(24, 3, 72, 24, false, 1),
            re(24, 5, 72, 40, true, 2), re(40, 5, 120, 40, true, 1), re(40, 5, 120, 40, true, 1),
            hs(40, 3, 240, 80, false, 2), hs(80, 3, 200, 80, false, 1), hs(80, 3, 184, 80, false, 1),
            hs(80, 3, 184, 80, false, 1), hs(80, 3, 480, 112, true, 1), hs(112, 3, 672, 112, true, 1),
            hs(112, 5, 672, 160, true, 2), hs(160, 5, 960, 160, true, 1), hs(160, 5, 960, 160, true, 1));
    private static final int LARGE_LAST_CHANNEL = 1280;

    private static final List<Row> SMALL = List.of(
            re(16, 3, 16, 16, true, 2), re(16, 3, 72, 24, false, 2), re(24, 3, 88, 24, false, 1),
            hs(24, 5, 96, 40, true, 2), hs(40, 5, 240, 40, true, 1), hs(40, 5, 240, 40, true, 1),
            hs(40, 5, 120, 48, true, 1), hs(48, 5, 144, 48, true, 1), hs(48, 5, 288, 96, true, 2),
            hs(96, 5, 576, 96, true, 1), hs(96, 5, 576, 96, true, 1));
    private static final int SMALL_LAST_CHANNEL = 1024;

    private final Sequential features, classifier;
    private final Pool2d avgpool;

    private MobileNetV3(List<Row> rows, int lastChannel, ModelConfig cfg) {
        double w = cfg.widthMultiplier();
        int first = Blocks.makeDivisible(rows.getFirst().in() * w, 8);
        features = register("features", new Sequential(Blocks.convNormAct(cfg.inChannels(), first, 3, 2, 1, NORM, Act::hardswish)));
        int in = first;
        for (Row r : rows) {
            int out = Blocks.makeDivisible(r.out() * w, 8);
            features.add(new InvertedResidual(in, r.kernel(), Blocks.makeDivisible(r.expanded() * w, 8), out, r.se(),
                    r.hardswish() ? Act::hardswish : Act::relu, r.stride()));
            in = out;
        }
        int lastConv = 6 * in, last = Blocks.makeDivisible(lastChannel * w, 8);
        features.add(Blocks.convNormAct(in, lastConv, 1, 1, 1, NORM, Act::hardswish));
        avgpool = register("avgpool", Pool2d.adaptiveAvg(1, 1));
        classifier = register("classifier", new Sequential(
                new Linear(lastConv, last), Act.hardswish(), new Dropout(0.2f), new Linear(last, cfg.numClasses())));
        WeightInit.kaimingConvs(this);
        WeightInit.linears(this, l -> Init.normal(0, 0.01), Init.zeros());
    }

    public static MobileNetV3 large(ModelConfig cfg) {
        return new MobileNetV3(LARGE, LARGE_LAST_CHANNEL, cfg);
    }

    public static MobileNetV3 small(ModelConfig cfg) {
        return new MobileNetV3(SMALL, SMALL_LAST_CHANNEL, cfg);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return t.call(classifier, t.flatten(t.call(avgpool, t.call(features, x))));
    }

    /** [expand 1x1] → depthwise kxk → [SE] → linear 1x1 projection, in a Sequential named "block". */
    static final class InvertedResidual extends Layer {
        private final Sequential block;
        private final boolean residual;

        InvertedResidual(int in, int kernel, int expanded, int out, boolean se, Supplier<Act> act, int stride) {
            residual = stride == 1 && in == out;
            Sequential layers = new Sequential();
            if (expanded != in) layers.add(Blocks.convNormAct(in, expanded, 1, 1, 1, NORM, act));
            layers.add(Blocks.convNormAct(expanded, expanded, kernel, stride, expanded, NORM, act));
            if (se) layers.add(new SqueezeExcitation(expanded, Blocks.makeDivisible(expanded / 4, 8), Act::relu, Act::hardsigmoid));
            layers.add(Blocks.convNormAct(expanded, out, 1, 1, 1, NORM, null));
            block = register("block", layers);
        }

        @Override
        public Value forward(Tracer t, Value x) {
            Value y = t.call(block, x);
            return residual ? t.add(y, x) : y;
        }
    }
}
