package dev.jdnn.networks.models;

import dev.jdnn.networks.Init;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.BatchNorm2d;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Dropout;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.layers.Sequential;

import java.util.List;

/**
 * GoogLeNet / Inception v1 (Szegedy et al. 2014) as torchvision builds it: every conv is a BasicConv2d (conv without
 * bias + BN eps 1e-3 + ReLU), max pools use ceil mode, and — torchvision's known quirk kept for key compatibility —
 * the "5x5" branch uses a 3x3 conv. The auxiliary classifiers aux1 (after 4a) and aux2 (after 4d) exist when
 * {@link ModelConfig#auxLogits()} is set and run only in the training graph, their losses weighted 0.3.
 * transform_input is off. Init: trunc_normal(std 0.01, a -2, b 2) for conv and linear weights.
 * 13,004,888 parameters with aux heads, 6,624,904 without (torchvision's documented count).
 */
public final class GoogLeNet extends Layer {
    /** Szegedy et al. §5: "during training, their loss gets added to the total loss with a discount weight 0.3". */
    static final float AUX_LOSS_WEIGHT = 0.3f;

    /** The paper's Table 1 inception rows: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj. */
    private record InceptionRow(String name, int in, int ch1x1, int ch3x3red, int ch3x3, int ch5x5red, int ch5x5, int poolProj) {
        Inception build() { return new Inception(in, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, poolProj); }
    }

    private static final List<InceptionRow> ROWS = List.of(
            new InceptionRow("inception3a", 192, 64, 96, 128, 16, 32, 32),
            new InceptionRow("inception3b", 256, 128, 128, 192, 32, 96, 64),
            new InceptionRow("inception4a", 480, 192, 96, 208, 16, 48, 64),
            new InceptionRow("inception4b", 512, 160, 112, 224, 24, 64, 64),
            new InceptionRow("inception4c", 512, 128, 128, 256, 24, 64, 64),
            new InceptionRow("inception4d", 512, 112, 144, 288, 32, 64, 64),
            new InceptionRow("inception4e", 528, 256, 160, 320, 32, 128, 128),
            new InceptionRow("inception5a", 832, 256, 160, 320, 32, 128, 128),
            new InceptionRow("inception5b", 832, 384, 192, 384, 48, 128, 128));

    private final BasicConv2d conv1, conv2, conv3;
    private final Pool2d maxpool1, maxpool2, maxpool3, maxpool4, avgpool;
    private final Inception i3a, i3b, i4a, i4b, i4c, i4d, i4e, i5a, i5b;
    private final InceptionAux aux1, aux2;
    private final Dropout dropout;
    private final Linear fc;

    private GoogLeNet(ModelConfig cfg) {
        conv1 = register("conv1", new BasicConv2d(cfg.inChannels(), 64, 7, 2, 3));
        maxpool1 = register("maxpool1", Pool2d.max(3, 2, 0, true));
        conv2 = register("conv2", new BasicConv2d(64, 64, 1, 1, 0));
        conv3 = register("conv3", new BasicConv2d(64, 192, 3, 1, 1));
        maxpool2 = register("maxpool2", Pool2d.max(3, 2, 0, true));
        i3a = inception(0);
        i3b = inception(1);
        maxpool3 = register("maxpool3", Pool2d.max(3, 2, 0, true));
        i4a = inception(2);
        i4b = inception(3);
        i4c = inception(4);
        i4d = inception(5);
        i4e = inception(6);
        maxpool4 = register("maxpool4", Pool2d.max(2, 2, 0, true));
        i5a = inception(7);
        i5b = inception(8);
        aux1 = cfg.auxLogits() ? register("aux1", new InceptionAux(512, cfg.numClasses())) : null;
        aux2 = cfg.auxLogits() ? register("aux2", new InceptionAux(528, cfg.numClasses())) : null;
        avgpool = register("avgpool", Pool2d.adaptiveAvg(1, 1));
        dropout = register("dropout", new Dropout(0.2f));
        fc = register("fc", new Linear(1024, cfg.numClasses()));
        Init truncNormal = Init.truncatedNormal(0.01, -2, 2);
        WeightInit.convs(this, truncNormal);
        WeightInit.linears(this, l -> truncNormal, null);
    }

    private Inception inception(int row) {
        return register(ROWS.get(row).name(), ROWS.get(row).build());
    }

    public static GoogLeNet googlenet(ModelConfig cfg) {
        return new GoogLeNet(cfg);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        for (Layer m : List.of(conv1, maxpool1, conv2, conv3, maxpool2, i3a, i3b, maxpool3, i4a)) x = t.call(m, x);
        auxiliary(t, aux1, x);
        for (Layer m : List.of(i4b, i4c, i4d)) x = t.call(m, x);
        auxiliary(t, aux2, x);
        for (Layer m : List.of(i4e, maxpool4, i5a, i5b, avgpool)) x = t.call(m, x);
        return t.call(fc, t.call(dropout, t.flatten(x)));
    }

    private static void auxiliary(Tracer t, InceptionAux aux, Value x) {
        if (aux != null && t.training()) t.auxiliaryOutput(t.call(aux, x), AUX_LOSS_WEIGHT);
    }

    /** torchvision's BasicConv2d: conv (no bias) + BN (eps 1e-3) + ReLU. */
    static final class BasicConv2d extends Layer {
        private final Conv2d conv;
        private final BatchNorm2d bn;
        private final Act relu;

        BasicConv2d(int in, int out, int kernel, int stride, int padding) {
            conv = register("conv", new Conv2d(in, out, kernel, stride, padding, false));
            bn = register("bn", Norm.EPS_1E3.of(out));
            relu = register("relu", Act.relu());
        }

        @Override
        public Value forward(Tracer t, Value x) {
            return t.call(relu, t.call(bn, t.call(conv, x)));
        }
    }

    /** Four parallel branches concatenated along channels. */
    static final class Inception extends Layer {
        private final Layer branch1, branch2, branch3, branch4;

        Inception(int in, int ch1x1, int ch3x3red, int ch3x3, int ch5x5red, int ch5x5, int poolProj) {
            branch1 = register("branch1", new BasicConv2d(in, ch1x1, 1, 1, 0));
            branch2 = register("branch2", new Sequential(new BasicConv2d(in, ch3x3red, 1, 1, 0), new BasicConv2d(ch3x3red, ch3x3, 3, 1, 1)));
            // torchvision's quirk: a 3x3 conv where the paper has 5x5 (kept so its weights load).
            branch3 = register("branch3", new Sequential(new BasicConv2d(in, ch5x5red, 1, 1, 0), new BasicConv2d(ch5x5red, ch5x5, 3, 1, 1)));
            branch4 = register("branch4", new Sequential(Pool2d.max(3, 1, 1, true), new BasicConv2d(in, poolProj, 1, 1, 0)));
        }

        @Override
        public Value forward(Tracer t, Value x) {
            return t.concat(List.of(t.call(branch1, x), t.call(branch2, x), t.call(branch3, x), t.call(branch4, x)));
        }
    }

    /** Auxiliary classifier: 4x4 average pool, 1x1 conv 128, FC 1024 + ReLU, dropout 0.7, FC classes. */
    static final class InceptionAux extends Layer {
        private final Pool2d pool;
        private final BasicConv2d conv;
        private final Linear fc1, fc2;
        private final Act relu;
        private final Dropout dropout;

        InceptionAux(int in, int numClasses) {
            pool = register("avgpool", Pool2d.adaptiveAvg(4, 4));
            conv = register("conv", new BasicConv2d(in, 128, 1, 1, 0));
            fc1 = register("fc1", new Linear(2048, 1024));
            relu = register("relu", Act.relu());
            fc2 = register("fc2", new Linear(1024, numClasses));
            dropout = register("dropout", new Dropout(0.7f));
        }

        @Override
        public Value forward(Tracer t, Value x) {
            x = t.flatten(t.call(conv, t.call(pool, x)));
            x = t.call(dropout, t.call(relu, t.call(fc1, x)));
            return t.call(fc2, x);
        }
    }
}
