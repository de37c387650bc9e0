package dev.jdnn.networks.models;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * State-dict keys must be torchvision's, so its checkpoints map one to one. The only difference by design:
 * BatchNorm's num_batches_tracked is not kept (it matters only for momentum=None, which no zoo model uses).
 */
class StateDictKeysTest {

    /** Keys written down from torchvision's module definitions (and printed models). */
    @ParameterizedTest(name = "{0} has {1}")
    @CsvSource({
            "resnet50, layer4.2.bn3.running_var", "resnet50, layer1.0.downsample.0.weight", "resnet50, layer1.0.downsample.1.running_mean",
            "resnet50, fc.bias", "resnet18, layer2.0.downsample.1.weight", "resnext101_32x8d, layer3.22.conv3.weight",
            "googlenet, aux2.fc2.bias", "googlenet, aux1.conv.conv.weight", "googlenet, aux1.conv.bn.running_var",
            "googlenet, inception3a.branch1.conv.weight", "googlenet, inception5b.branch4.1.bn.running_var",
            "googlenet, inception4e.branch3.1.conv.weight", "googlenet, conv1.bn.weight",
            "mobilenet_v3_large, features.4.block.2.fc1.weight", "mobilenet_v3_large, features.16.1.running_mean",
            "mobilenet_v3_large, classifier.0.weight", "mobilenet_v3_large, classifier.3.bias",
            "mobilenet_v3_small, features.1.block.1.fc2.bias", "mobilenet_v3_small, features.12.0.weight",
            "mobilenet_v2, features.0.0.weight", "mobilenet_v2, features.1.conv.0.0.weight", "mobilenet_v2, features.1.conv.1.weight",
            "mobilenet_v2, features.2.conv.3.running_var", "mobilenet_v2, features.18.1.bias", "mobilenet_v2, classifier.1.weight",
            "efficientnet_b0, features.1.0.block.0.0.weight", "efficientnet_b0, features.1.0.block.1.fc1.weight",
            "efficientnet_b0, features.2.0.block.3.1.running_var", "efficientnet_b0, features.8.0.weight", "efficientnet_b0, classifier.1.bias",
            "efficientnet_v2_s, features.1.0.block.0.0.weight", "efficientnet_v2_s, features.2.0.block.1.1.weight",
            "efficientnet_v2_s, features.4.0.block.2.fc2.weight", "efficientnet_v2_s, features.7.1.running_mean",
            "shufflenet_v2_x1_0, stage2.0.branch1.2.weight", "shufflenet_v2_x1_0, stage2.0.branch1.0.weight",
            "shufflenet_v2_x1_0, stage2.1.branch2.6.running_var", "shufflenet_v2_x1_0, conv5.1.bias", "shufflenet_v2_x1_0, conv1.0.weight",
            "vgg16, features.28.weight", "vgg16, classifier.6.bias", "vgg16_bn, features.41.running_var",
            "alexnet, features.10.weight", "alexnet, classifier.6.weight",
    })
    void hasTorchvisionKey(String model, String key) {
        Map<String, ?> keys = Models.create(model).stateDict();
        assertTrue(keys.containsKey(key), model + " lacks " + key);
    }

    @ParameterizedTest(name = "{0} has no {1}")
    @CsvSource({
            "shufflenet_v2_x1_0, stage2.1.branch1.0.weight", "mobilenet_v3_large, features.1.block.2.0.weight",
            "resnet50, layer1.1.downsample.0.weight", "efficientnet_b0, features.1.0.block.3.0.weight",
            "resnet18, bn1.num_batches_tracked",
    })
    void lacksKeysTorchvisionLacks(String model, String key) {
        assertFalse(Models.create(model).stateDict().containsKey(key), model + " should not have " + key);
    }

    @Test
    void googlenetWithoutAuxHasNoAuxKeys() {
        var keys = Models.create("googlenet", ModelConfig.imagenet().withAuxLogits(false)).stateDict().keySet();
        assertTrue(keys.stream().noneMatch(k -> k.startsWith("aux")), keys.toString());
    }

    @Test
    void cifarShortcutOptionsDifferInKeys() {
        ModelConfig cfg = ModelConfig.of(10, 3, 32, 32);
        assertFalse(Models.create("resnet20", cfg).stateDict().containsKey("layer2.0.downsample.0.weight"));
        var b = Models.create("resnet20", cfg.withShortcut(ModelConfig.Shortcut.B_PROJECTION)).stateDict();
        assertEquals(Shape.of(32, 16, 1, 1), b.get("layer2.0.downsample.0.weight").shape());
        assertFalse(b.containsKey("layer2.1.downsample.0.weight"));
    }

    @Test
    void shapesOfGroupedAndDepthwiseWeights() {
        assertEquals(Shape.of(128, 4, 3, 3), Models.create("resnext50_32x4d").stateDict().get("layer1.0.conv2.weight").shape());
        assertEquals(Shape.of(32, 1, 3, 3), Models.create("mobilenet_v2").stateDict().get("features.1.conv.0.0.weight").shape());
        assertEquals(Shape.of(24, 72, 1, 1), Models.create("mobilenet_v3_large").stateDict().get("features.4.block.2.fc1.weight").shape());
        // torchvision's quirk: the "5x5" branch of inception3a is a 3x3 conv 16 -> 32.
        assertEquals(Shape.of(32, 16, 3, 3), Models.create("googlenet").stateDict().get("inception3a.branch3.1.conv.weight").shape());
    }

    /** torchvision's resnet18 state_dict order, stem, the whole of layer2.0 (with its downsample) and the head. */
    @Test
    void resnet18KeyOrderMatchesTorchvision() {
        List<String> keys = List.copyOf(Models.create("resnet18").stateDict().keySet());
        assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                "layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer1.0.bn1.bias", "layer1.0.bn1.running_mean", "layer1.0.bn1.running_var",
                "layer1.0.conv2.weight"), keys.subList(0, 11));
        List<String> layer2block0 = keys.stream().filter(k -> k.startsWith("layer2.0.")).toList();
        assertEquals(List.of("layer2.0.conv1.weight",
                "layer2.0.bn1.weight", "layer2.0.bn1.bias", "layer2.0.bn1.running_mean", "layer2.0.bn1.running_var",
                "layer2.0.conv2.weight",
                "layer2.0.bn2.weight", "layer2.0.bn2.bias", "layer2.0.bn2.running_mean", "layer2.0.bn2.running_var",
                "layer2.0.downsample.0.weight",
                "layer2.0.downsample.1.weight", "layer2.0.downsample.1.bias", "layer2.0.downsample.1.running_mean",
                "layer2.0.downsample.1.running_var"), layer2block0);
        assertEquals(List.of("layer4.1.bn2.running_mean", "layer4.1.bn2.running_var", "fc.weight", "fc.bias"), keys.subList(keys.size() - 4, keys.size()));
        // torchvision: 122 keys, 20 of them num_batches_tracked (one per BN: 1 stem + 16 in blocks + 3 downsample).
        assertEquals(122 - 20, keys.size());
    }

    /** Trainable parameters come in PyTorch's parameters() order (buffers excluded): the optimizer relies on it. */
    @Test
    void mobilenetV2ParameterOrder() {
        Layer m = Models.create("mobilenet_v2");
        assertEquals(List.of("features.0.0.weight", "features.0.1.weight", "features.0.1.bias",
                        "features.1.conv.0.0.weight", "features.1.conv.0.1.weight", "features.1.conv.0.1.bias",
                        "features.1.conv.1.weight", "features.1.conv.2.weight", "features.1.conv.2.bias",
                        "features.2.conv.0.0.weight"),
                List.copyOf(m.namedParameters().keySet()).subList(0, 10));
    }
}
