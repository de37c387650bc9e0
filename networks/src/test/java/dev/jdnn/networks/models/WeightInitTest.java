package dev.jdnn.networks.models;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each family's initialisation, checked by sampling the parameter's Init and comparing moments with torchvision's
 * formula (tolerances are several standard errors of the estimate for the given sample size).
 */
class WeightInitTest {

    private static float[] sample(Layer m, String key) {
        Parameter p = m.stateDict().get(key);
        float[] v = new float[(int) p.numel()];
        p.init().fill(v, p.shape(), new SplittableRandom(42));
        return v;
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) s += x;
        return s / v.length;
    }

    private static double std(float[] v) {
        double m = mean(v), s = 0;
        for (float x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / v.length);
    }

    private static double maxAbs(float[] v) {
        double a = 0;
        for (float x : v) a = Math.max(a, Math.abs(x));
        return a;
    }

    @Test
    void resnetConvsAreKaimingFanOutAndFcKeepsPytorchDefault() {
        Layer m = Models.create("resnet50");
        // layer3.0.conv2: [256, 256, 3, 3], fan_out = 256*9, std = sqrt(2/2304) = 0.02946.
        assertEquals(Math.sqrt(2.0 / 2304), std(sample(m, "layer3.0.conv2.weight")), 0.0005);
        // fc: PyTorch default U(-1/sqrt(2048), 1/sqrt(2048)): std = bound/sqrt(3).
        float[] fc = sample(m, "fc.weight");
        assertTrue(maxAbs(fc) <= 1 / Math.sqrt(2048));
        assertEquals(1 / Math.sqrt(2048) / Math.sqrt(3), std(fc), 0.0002);
        assertEquals(1.0, mean(sample(m, "bn1.weight")), 0);
        assertEquals(1.0, mean(sample(m, "bn1.running_var")), 0);
    }

    @Test
    void vggLinearsAreNormal001WithZeroBias() {
        Layer m = Models.create("vgg11", ModelConfig.of(10, 3, 32, 32));
        assertEquals(0.01, std(sample(m, "classifier.3.weight")), 0.0002);
        assertEquals(0.0, maxAbs(sample(m, "classifier.3.bias")), 0);
        assertEquals(0.0, maxAbs(sample(m, "features.0.bias")), 0);
    }

    @Test
    void efficientnetLinearIsUniformOneOverSqrtOut() {
        Layer m = Models.create("efficientnet_b0", ModelConfig.of(100, 3, 224, 224));
        float[] w = sample(m, "classifier.1.weight");
        double bound = 1 / Math.sqrt(100);
        assertTrue(maxAbs(w) <= bound && maxAbs(w) > 0.95 * bound);
        assertEquals(bound / Math.sqrt(3), std(w), 0.002);
    }

    @Test
    void googlenetIsTruncatedNormal001() {
        Layer m = Models.create("googlenet");
        assertEquals(0.01, std(sample(m, "inception4a.branch2.1.conv.weight")), 0.0002);
        assertEquals(0.01, std(sample(m, "aux1.fc1.weight")), 0.0002);
    }

    @Test
    void mobilenetV3LinearsAndBnHyperParameters() {
        Layer m = Models.create("mobilenet_v3_large");
        assertEquals(0.01, std(sample(m, "classifier.0.weight")), 0.0002);
        var bn = (dev.jdnn.networks.layers.BatchNorm2d) m.module("features.1.block.0.1");
        assertEquals(1e-3, bn.eps, 0);
        assertEquals(0.01, bn.momentum, 0);
        var b7 = (dev.jdnn.networks.layers.BatchNorm2d) Models.create("efficientnet_b7").module("features.0.1");
        assertEquals(0.01, b7.momentum, 0);
        var b0 = (dev.jdnn.networks.layers.BatchNorm2d) Models.create("efficientnet_b0").module("features.0.1");
        assertEquals(1e-5, b0.eps, 0);
        var v2 = (dev.jdnn.networks.layers.BatchNorm2d) Models.create("efficientnet_v2_s").module("features.0.1");
        assertEquals(1e-3, v2.eps, 0);
        assertEquals(0.1, v2.momentum, 0);
    }

    @Test
    void alexnetLrnUsesThePapersBiases() {
        Layer m = Models.create("alexnet_lrn");
        assertEquals(1.0, mean(sample(m, "features.4.bias")), 0);
        assertEquals(0.0, mean(sample(m, "features.0.bias")), 0);
        assertEquals(1.0, mean(sample(m, "classifier.4.bias")), 0);
        assertEquals(0.0, mean(sample(m, "classifier.6.bias")), 0);
        assertEquals(0.01, std(sample(m, "features.8.weight")), 0.0002);
    }
}
