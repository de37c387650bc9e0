package dev.jdnn.networks.models;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.graph.ModelTrace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every model's wiring, checked by tracing shapes only (no backend). */
class OutputShapeTest {

    static List<String> names() {
        return Models.names();
    }

    /** Native input: 1x32x32 for lenet5, 1x28x28 for lenet5_28, 3x32x32 for CIFAR ResNets, 3x224x224 otherwise. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void everyModelGivesLogitsAtItsNativeInput(String name) {
        int c = name.startsWith("lenet") ? 1 : 3;
        int size = name.equals("lenet5_28") ? 28 : name.equals("lenet5") || isCifar(name) ? 32 : 224;
        int classes = size == 224 ? 1000 : 10;
        Layer m = Models.create(name, ModelConfig.of(classes, c, size, size));
        for (boolean training : new boolean[]{false, true}) {
            ModelTrace r = ModelTrace.of(m, Shape.of(2, c, size, size), training);
            assertEquals(Shape.of(2, classes), r.output(), name + (training ? " (training)" : " (eval)"));
        }
    }

    /** The families that must train on CIFAR-10 (3x32x32) and Fashion-MNIST (1x28x28). */
    @ParameterizedTest(name = "{0} at {1}x{2}x{2}")
    @CsvSource({
            "lenet5_28, 1, 28", "lenet5, 3, 32", "resnet20, 3, 32", "resnet56, 1, 28", "resnet110, 3, 32",
            "resnet18, 3, 32", "resnet18, 1, 28", "resnet50, 3, 32",
            "mobilenet_v2, 3, 32", "mobilenet_v2, 1, 28", "mobilenet_v3_small, 3, 32", "mobilenet_v1, 1, 28",
            "shufflenet_v2_x1_0, 3, 32", "shufflenet_v2_x0_5, 1, 28", "shufflenet_v1, 3, 32",
            "efficientnet_b0, 3, 32", "efficientnet_b0, 1, 28", "efficientnet_v2_s, 3, 32",
            "googlenet, 3, 32", "vgg11_bn, 3, 32", "vgg16, 1, 32",
    })
    void smallInputs(String name, int channels, int size) {
        Layer m = Models.create(name, ModelConfig.of(10, channels, size, size));
        assertEquals(Shape.of(2, 10), ModelTrace.of(m, Shape.of(2, channels, size, size), true).output());
    }

    @Test
    void googlenetAuxHeadsOnlyInTrainingWithWeight03() {
        Layer m = Models.create("googlenet", ModelConfig.of(10, 3, 224, 224));
        ModelTrace train = ModelTrace.of(m, Shape.of(2, 3, 224, 224), true);
        assertEquals(List.of(Shape.of(2, 10), Shape.of(2, 10)), train.auxiliaryOutputs());
        assertEquals(List.of(0.3f, 0.3f), train.auxiliaryWeights());
        assertTrue(ModelTrace.of(m, Shape.of(2, 3, 224, 224), false).auxiliaryOutputs().isEmpty());
        Layer noAux = Models.create("googlenet", ModelConfig.of(10, 3, 224, 224).withAuxLogits(false));
        assertTrue(ModelTrace.of(noAux, Shape.of(2, 3, 224, 224), true).auxiliaryOutputs().isEmpty());
    }

    @Test
    void wrongInputChannelsNameTheLayerAndBothShapes() {
        Layer m = Models.create("resnet18");
        var e = assertThrows(IllegalArgumentException.class, () -> ModelTrace.of(m, Shape.of(1, 1, 224, 224), false));
        assertTrue(e.getMessage().startsWith("conv1 (Conv2d): ") && e.getMessage().contains("[N, 3, H, W]") && e.getMessage().contains("[1, 1, 224, 224]"), e.getMessage());
    }

    @Test
    void tooSmallInputIsRejectedWithThePath() {
        Layer m = Models.create("alexnet", ModelConfig.of(10, 3, 32, 32));
        var e = assertThrows(IllegalArgumentException.class, () -> ModelTrace.of(m, Shape.of(1, 3, 32, 32), false));
        assertTrue(e.getMessage().contains("features."), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Models.create("lenet5", ModelConfig.of(10, 1, 12, 12)));
    }

    @Test
    void unknownNameListsValidOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Models.create("resnet19"));
        assertTrue(e.getMessage().contains("resnet19") && e.getMessage().contains("resnet18") && e.getMessage().contains("efficientnet_v2_l"), e.getMessage());
    }

    private static boolean isCifar(String name) {
        return List.of("resnet20", "resnet32", "resnet44", "resnet56", "resnet110").contains(name);
    }
}
