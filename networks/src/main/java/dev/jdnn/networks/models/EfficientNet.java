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

/**
 * EfficientNet b0-b7 (Tan and Le 2019) and EfficientNetV2 S/M/L (Tan and Le 2021) as torchvision builds them:
 * SiLU stem conv 3x3/2, stages of MBConv (expand 1x1, depthwise kxk, SE with SiLU + sigmoid and squeeze = in/4,
 * linear 1x1 projection) or Fused-MBConv (one kxk conv expands, 1x1 projects) blocks, each stage one Sequential
 * ({@code features.S.B.block...}); stochastic depth grows linearly from 0 to 0.2 over all blocks; 1x1 head conv
 * (4x the last width, or 1280 for V2), global pool, dropout, FC. b0-b7 scale width and depth by compound
 * coefficients (channels rounded to multiples of 8, depth rounded up). BN: PyTorch defaults for b0-b4, eps 1e-3 +
 * momentum 0.01 for b5-b7, eps 1e-3 for V2. Init: kaiming_normal(fan_out) convs, Linear U(-1/sqrt(out), 1/sqrt(out)),
 * zero biases. b0: 5,288,548 parameters; V2-S: 21,458,488.
 */
public final class EfficientNet extends Layer {
    private static final float STOCHASTIC_DEPTH = 0.2f;

    /** One stage: expansion, kernel, first stride, in/out channels, blocks, fused (V2's Fused-MBConv). */
    record Stage(int expandRatio, int kernel, int stride, int in, int out, int layers, boolean fused) {}

    private static Stage mb(int e, int k, int s, int in, int out, int n) { return new Stage(e, k, s, in, out, n, false); }
    private static Stage fused(int e, int k, int s, int in, int out, int n) { return new Stage(e, k, s, in, out, n, true); }

    /** The B0 baseline (paper Table 1), scaled by width/depth for b1-b7. */
    private static final List<Stage> B0 = List.of(
            mb(1, 3, 1, 32, 16, 1), mb(6, 3, 2, 16, 24, 2), mb(6, 5, 2, 24, 40, 2), mb(6, 3, 2, 40, 80, 3),
            mb(6, 5, 1, 80, 112, 3), mb(6, 5, 2, 112, 192, 4), mb(6, 3, 1, 192, 320, 1));

    /** Compound scaling per variant b0..b7: width multiplier, depth multiplier, classifier dropout. */
    private static final double[][] B_SCALING = {
            {1.0, 1.0, 0.2}, {1.0, 1.1, 0.2}, {1.1, 1.2, 0.3}, {1.2, 1.4, 0.3},
            {1.4, 1.8, 0.4}, {1.6, 2.2, 0.4}, {1.8, 2.6, 0.5}, {2.0, 3.1, 0.5}};

    static final List<Stage> V2_S = List.of(
            fused(1, 3, 1, 24, 24, 2), fused(4, 3, 2, 24, 48, 4), fused(4, 3, 2, 48, 64, 4),
            mb(4, 3, 2, 64, 128, 6), mb(6, 3, 1, 128, 160, 9), mb(6, 3, 2, 160, 256, 15));
    static final List<Stage> V2_M = List.of(
            fused(1, 3, 1, 24, 24, 3), fused(4, 3, 2, 24, 48, 5), fused(4, 3, 2, 48, 80, 5),
            mb(4, 3, 2, 80, 160, 7), mb(6, 3, 1, 160, 176, 14), mb(6, 3, 2, 176, 304, 18), mb(6, 3, 1, 304, 512, 5));
    static final List<Stage> V2_L = List.of(
            fused(1, 3, 1, 32, 32, 4), fused(4, 3, 2, 32, 64, 7), fused(4, 3, 2, 64, 96, 7),
            mb(4, 3, 2, 96, 192, 10), mb(6, 3, 1, 192, 224, 19), mb(6, 3, 2, 224, 384, 25), mb(6, 3, 1, 384, 640, 7));
    private static final int V2_LAST_CHANNEL = 1280;

    private final Sequential features, classifier;
    private final Pool2d avgpool;

    private EfficientNet(List<Stage> stages, Integer lastChannel, float dropout, Norm norm, ModelConfig cfg) {
        int stem = stages.getFirst().in();
        features = register("features", new Sequential(Blocks.convNormAct(cfg.inChannels(), stem, 3, 2, 1, norm, Act::silu)));
        int totalBlocks = stages.stream().mapToInt(Stage::layers).sum(), blockId = 0;
        for (Stage s : stages) {
            Sequential stage = new Sequential();
            for (int i = 0; i < s.layers(); i++) {
                int in = i == 0 ? s.in() : s.out(), stride = i == 0 ? s.stride() : 1;
                float sd = STOCHASTIC_DEPTH * blockId++ / totalBlocks;
                stage.add(s.fused() ? new FusedMBConv(s.expandRatio(), s.kernel(), stride, in, s.out(), sd, norm)
                        : new MBConv(s.expandRatio(), s.kernel(), stride, in, s.out(), sd, norm));
            }
            features.add(stage);
        }
        int lastIn = stages.getLast().out(), lastOut = lastChannel != null ? lastChannel : 4 * lastIn;
        features.add(Blocks.convNormAct(lastIn, lastOut, 1, 1, 1, norm, Act::silu));
        avgpool = register("avgpool", Pool2d.adaptiveAvg(1, 1));
        classifier = register("classifier", new Sequential(new Dropout(dropout), new Linear(lastOut, cfg.numClasses())));
        WeightInit.kaimingConvs(this);
        WeightInit.linears(this, l -> Init.uniform(-1 / Math.sqrt(l.outFeatures), 1 / Math.sqrt(l.outFeatures)), Init.zeros());
    }

    /** efficientnet_b{variant}, variant 0..7. */
    public static EfficientNet b(int variant, ModelConfig cfg) {
        if (variant < 0 || variant >= B_SCALING.length) throw new IllegalArgumentException("EfficientNet variant must be b0..b7, got b" + variant);
        double width = B_SCALING[variant][0], depth = B_SCALING[variant][1];
        List<Stage> scaled = B0.stream().map(s -> new Stage(s.expandRatio(), s.kernel(), s.stride(),
                Blocks.makeDivisible(s.in() * width, 8), Blocks.makeDivisible(s.out() * width, 8),
                (int) Math.ceil(s.layers() * depth), false)).toList();
        Norm norm = variant >= 5 ? Norm.TF : Norm.DEFAULT;
        return new EfficientNet(scaled, null, (float) B_SCALING[variant][2], norm, cfg);
    }

    /** efficientnet_v2_s/m/l from their stage table and classifier dropout (0.2 / 0.3 / 0.4). */
    public static EfficientNet v2(List<Stage> stages, float dropout, ModelConfig cfg) {
        return new EfficientNet(stages, V2_LAST_CHANNEL, dropout, Norm.EPS_1E3, cfg);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return t.call(classifier, t.flatten(t.call(avgpool, t.call(features, x))));
    }

    /** Adds the (stochastically dropped) block output to the input when shapes allow, as torchvision's blocks do. */
    private static Value residual(Tracer t, Value in, Value out, boolean residual, float stochasticDepth) {
        if (!residual) return out;
        return t.add(stochasticDepth > 0 ? t.stochasticDepth(out, stochasticDepth) : out, in);
    }

    /** Mobile inverted bottleneck with squeeze-and-excitation. */
    static final class MBConv extends Layer {
        private final Sequential block;
        private final boolean residual;
        private final float stochasticDepth;

        MBConv(int expandRatio, int kernel, int stride, int in, int out, float stochasticDepth, Norm norm) {
            this.residual = stride == 1 && in == out;
            this.stochasticDepth = stochasticDepth;
            int expanded = Blocks.makeDivisible(in * (double) expandRatio, 8);
            Sequential layers = new Sequential();
            if (expanded != in) layers.add(Blocks.convNormAct(in, expanded, 1, 1, 1, norm, Act::silu));
            layers.add(Blocks.convNormAct(expanded, expanded, kernel, stride, expanded, norm, Act::silu));
            layers.add(new SqueezeExcitation(expanded, Math.max(1, in / 4), Act::silu, Act::sigmoid));
            layers.add(Blocks.convNormAct(expanded, out, 1, 1, 1, norm, null));
            block = register("block", layers);
        }

        /** The probability that training drops this block's branch for a sample (0: never). */
        float stochasticDepth() {
            return residual ? stochasticDepth : 0;
        }

        @Override
        public Value forward(Tracer t, Value x) {
            return residual(t, x, t.call(block, x), residual, stochasticDepth);
        }
    }

    /** EfficientNetV2's Fused-MBConv: the expand 1x1 and depthwise kxk merged into one kxk conv; no SE. */
    static final class FusedMBConv extends Layer {
        private final Sequential block;
        private final boolean residual;
        private final float stochasticDepth;

        FusedMBConv(int expandRatio, int kernel, int stride, int in, int out, float stochasticDepth, Norm norm) {
            this.residual = stride == 1 && in == out;
            this.stochasticDepth = stochasticDepth;
            int expanded = Blocks.makeDivisible(in * (double) expandRatio, 8);
            Sequential layers = new Sequential();
            if (expanded != in) {
                layers.add(Blocks.convNormAct(in, expanded, kernel, stride, 1, norm, Act::silu));
                layers.add(Blocks.convNormAct(expanded, out, 1, 1, 1, norm, null));
            } else {
                layers.add(Blocks.convNormAct(in, out, kernel, stride, 1, norm, Act::silu));
            }
            block = register("block", layers);
        }

        /** The probability that training drops this block's branch for a sample (0: never). */
        float stochasticDepth() {
            return residual ? stochasticDepth : 0;
        }

        @Override
        public Value forward(Tracer t, Value x) {
            return residual(t, x, t.call(block, x), residual, stochasticDepth);
        }
    }
}
