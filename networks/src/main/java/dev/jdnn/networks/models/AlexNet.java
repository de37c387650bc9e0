package dev.jdnn.networks.models;

import dev.jdnn.networks.Init;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Dropout;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.LocalResponseNorm;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.layers.Sequential;

/**
 * AlexNet. {@code alexnet} is torchvision's (the "one weird trick" single-tower variant: 64-192-384-256-256 filters,
 * no LRN, PyTorch default init; 61,100,840 parameters). {@code alexnet_lrn} is closer to Krizhevsky et al. 2012:
 * 96-256-384-384-256 filters, local response normalisation (size 5, alpha 1e-4, beta 0.75, k 2) after conv1 and
 * conv2, and the paper's init (weights N(0, 0.01); biases 1 in conv2, conv4, conv5 and the hidden FC layers, 0
 * elsewhere). Like torchvision it is one tower (no groups=2 split) and pads conv1 by 2 so 224x224 inputs work.
 */
public final class AlexNet extends Layer {
    private static final float DROPOUT = 0.5f;
    private final Sequential features, classifier;
    private final Pool2d avgpool;

    private AlexNet(Sequential features, int lastChannels, int numClasses) {
        this.features = register("features", features);
        this.avgpool = register("avgpool", Pool2d.adaptiveAvg(6, 6));
        this.classifier = register("classifier", new Sequential(
                new Dropout(DROPOUT), new Linear(lastChannels * 36, 4096), Act.relu(),
                new Dropout(DROPOUT), new Linear(4096, 4096), Act.relu(),
                new Linear(4096, numClasses)));
    }

    public static AlexNet alexnet(ModelConfig cfg) {
        return new AlexNet(new Sequential(
                new Conv2d(cfg.inChannels(), 64, 11, 4, 2, true), Act.relu(), Pool2d.max(3, 2),
                new Conv2d(64, 192, 5, 1, 2, true), Act.relu(), Pool2d.max(3, 2),
                new Conv2d(192, 384, 3, 1, 1, true), Act.relu(),
                new Conv2d(384, 256, 3, 1, 1, true), Act.relu(),
                new Conv2d(256, 256, 3, 1, 1, true), Act.relu(), Pool2d.max(3, 2)), 256, cfg.numClasses());
    }

    public static AlexNet alexnetLrn(ModelConfig cfg) {
        AlexNet m = new AlexNet(new Sequential(
                new Conv2d(cfg.inChannels(), 96, 11, 4, 2, true), Act.relu(), lrn(), Pool2d.max(3, 2),
                new Conv2d(96, 256, 5, 1, 2, true), Act.relu(), lrn(), Pool2d.max(3, 2),
                new Conv2d(256, 384, 3, 1, 1, true), Act.relu(),
                new Conv2d(384, 384, 3, 1, 1, true), Act.relu(),
                new Conv2d(384, 256, 3, 1, 1, true), Act.relu(), Pool2d.max(3, 2)), 256, cfg.numClasses());
        m.paperInit();
        return m;
    }

    private static LocalResponseNorm lrn() {
        return new LocalResponseNorm(5, 1e-4, 0.75, 2.0);
    }

    /** Krizhevsky et al. §5: N(0, 0.01) weights; bias 1 where the next ReLU should start active, else 0. */
    private void paperInit() {
        WeightInit.convs(this, Init.normal(0, 0.01));
        WeightInit.linears(this, l -> Init.normal(0, 0.01), Init.zeros());
        for (String path : new String[]{"features.4", "features.10", "features.12", "classifier.1", "classifier.4"}) {
            Layer m = module(path);
            (m instanceof Conv2d c ? c.bias : ((Linear) m).bias).setInit(Init.ones());
        }
    }

    @Override
    public Value forward(Tracer t, Value x) {
        x = t.call(avgpool, t.call(features, x));
        return t.call(classifier, t.flatten(x));
    }
}
