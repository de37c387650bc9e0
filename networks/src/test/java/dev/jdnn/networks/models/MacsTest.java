package dev.jdnn.networks.models;

import dev.jdnn.networks.graph.ModelTrace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Multiply-accumulates per 224x224 sample against published figures, and one count derived fully by hand. */
class MacsTest {

    private static long macs(String name) {
        return ModelSummary.of(Models.create(name), 3, 224, 224).macs();
    }

    /**
     * torchvision's docs list "GFLOPS" per weight, computed as conv + linear multiply-accumulates at 224x224 and
     * rounded to two decimals; the papers give Mult-Adds for MobileNet v1 (569M, Table 8) and ShuffleNet v1 1x g=3
     * (140M, Table 2). Tolerance: half a unit of the last published digit (plus rounding slack for the papers).
     */
    @ParameterizedTest(name = "{0}: {1} GMACs")
    @CsvSource({
            "resnet50, 4.09, 0.005", "resnet18, 1.81, 0.005", "resnet101, 7.80, 0.005", "resnext50_32x4d, 4.23, 0.005",
            "mobilenet_v2, 0.30, 0.005", "mobilenet_v3_large, 0.22, 0.005", "mobilenet_v3_small, 0.06, 0.005",
            "alexnet, 0.71, 0.005", "vgg16, 15.47, 0.005", "googlenet, 1.50, 0.005",
            "shufflenet_v2_x1_0, 0.14, 0.005", "efficientnet_b0, 0.39, 0.005",
            "mobilenet_v1, 0.569, 0.001", "shufflenet_v1, 0.140, 0.003",
    })
    void matchesPublishedFigures(String name, double gmacs, double tolerance) {
        assertEquals(gmacs, macs(name) / 1e9, tolerance, name);
    }

    /**
     * LeNet-5 on 32x32: C1 6*28*28*25 = 117,600; C3 16*10*10*(6*25) = 240,000; F5 400*120 = 48,000;
     * F6 120*84 = 10,080; output 84*10 = 840. Total 416,520, and the same for lenet5_28 on 28x28.
     */
    @Test
    void lenet5ByHand() {
        assertEquals(416_520, ModelSummary.of(Models.create("lenet5", ModelConfig.of(10, 1, 32, 32)), 1, 32, 32).macs());
        assertEquals(416_520, ModelSummary.of(Models.create("lenet5_28", ModelConfig.of(10, 1, 28, 28)), 1, 28, 28).macs());
    }

    /** Howard et al. Table 6 (width multiplier, 224x224): million Mult-Adds and million parameters. */
    @ParameterizedTest(name = "mobilenet_v1 alpha {0}: {1}M MACs, {2}M params")
    @CsvSource({"1.0, 569, 4.2", "0.75, 325, 2.6", "0.5, 149, 1.3", "0.25, 41, 0.5"})
    void mobilenetV1WidthMultipliersMatchThePaper(double alpha, double mmacs, double mparams) {
        ModelSummary s = ModelSummary.of(Models.create("mobilenet_v1", ModelConfig.imagenet().withWidthMultiplier(alpha)), 3, 224, 224);
        assertEquals(mmacs, s.macs() / 1e6, 0.5);
        assertEquals(mparams, s.parameters() / 1e6, 0.05);
    }

    /** MACs scale linearly with the batch: the trace counts the whole batch. */
    @Test
    void countsTheWholeBatch() {
        var one = ModelTrace.of(Models.create("resnet18"), dev.jdnn.memory.Shape.of(1, 3, 64, 64), false).macs();
        var four = ModelTrace.of(Models.create("resnet18"), dev.jdnn.memory.Shape.of(4, 3, 64, 64), false).macs();
        assertEquals(4 * one, four);
    }
}
