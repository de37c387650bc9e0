package dev.jdnn.networks.models;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The zoo's metadata checked against the models themselves (built at their own input size, not compiled). */
class ZooModelTest {
    private static Layer build(ZooModel z, int classes) {
        InputSpec in = z.input();
        return z.create(ModelConfig.of(classes, in.channels(), in.height(), in.width()));
    }

    @Test
    void everyHeadIsALinearWithTheClassCountAsOutput() {
        for (ZooModel z : Models.all()) {
            Layer m = build(z, 7);
            assertEquals(z.heads(), z.heads(m), z + ": all heads present when built with aux logits");
            for (String path : z.heads()) {
                assertTrue(m.module(path) instanceof Linear l && l.outFeatures == 7, z + ": " + path);
            }
        }
        assertEquals(List.of("fc", "aux1.fc2", "aux2.fc2"), Models.get("googlenet").heads());
        Layer noAux = Models.get("googlenet").create(ModelConfig.of(7, 3, 224, 224).withAuxLogits(false));
        assertEquals(List.of("fc"), Models.get("googlenet").heads(noAux));
    }

    /**
     * The last stage is a suffix of the network: in parameter order (auxiliary heads aside), from the first
     * parameter of the last stage on, every parameter belongs to the last stage or a head, and none before it does.
     */
    @Test
    void theLastStageIsTheNetworksParameterisedSuffixBeforeTheHead() {
        for (ZooModel z : Models.all()) {
            Layer m = build(z, 7);
            for (String path : z.lastStage()) {
                assertFalse(m.module(path).namedParameters().isEmpty(), z + ": " + path + " has no parameters");
                assertFalse(ZooModel.isUnder(path + ".x", z.heads()), z + ": " + path + " is a head");
            }
            List<String> keys = m.namedParameters().keySet().stream().filter(k -> !k.startsWith("aux")).toList();
            int first = -1;
            for (int i = 0; i < keys.size(); i++) if (ZooModel.isUnder(keys.get(i), z.lastStage())) { first = i; break; }
            assertTrue(first > 0, z + ": the last stage has no parameters or is the whole network");
            for (int i = first; i < keys.size(); i++) {
                String k = keys.get(i);
                assertTrue(ZooModel.isUnder(k, z.lastStage()) || ZooModel.isUnder(k, z.heads()), z + ": " + k + " lies after the last stage but is not in it");
            }
        }
        assertEquals(List.of("layer4"), Models.get("resnet18").lastStage());
        assertEquals(List.of("layer3"), Models.get("resnet20").lastStage());
        assertEquals(List.of("features.22", "features.23", "features.25", "features.26", "classifier.0", "classifier.3"),
                Models.get("vgg11_bn").lastStage());
    }

    @Test
    void freezeLeavesTrainableOnlyWhatTheModeNames() {
        ZooModel z = Models.get("resnet18");
        Layer m = build(z, 10);
        z.freeze(m, Trainable.HEAD);
        assertEquals(Set.of("fc.weight", "fc.bias"), trainable(m));
        z.freeze(m, Trainable.LAST_STAGE);
        assertTrue(trainable(m).stream().allMatch(k -> k.startsWith("fc.") || k.startsWith("layer4.")));
        assertTrue(trainable(m).contains("layer4.1.conv2.weight"));
        z.freeze(m, Trainable.ALL);
        assertEquals(m.namedParameters().keySet(), trainable(m));
    }

    private static Set<String> trainable(Layer m) {
        return m.namedParameters().entrySet().stream().filter(e -> e.getValue().trainable()).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    @Test
    void replaceHeadGivesANewClassifierThatTracingAndCompilingUse() {
        ZooModel z = Models.get("resnet20");
        Layer m = z.create(1000, 3, 8, 8);
        Linear before = (Linear) m.module("fc");
        z.replaceHead(m, 4);
        Linear after = (Linear) m.module("fc");
        assertNotSame(before, after);
        assertEquals(64, after.inFeatures);
        assertEquals(4, after.outFeatures);
        assertEquals(Shape.of(4, 64), m.stateDict().get("fc.weight").shape());
        assertEquals(Shape.of(1, 4), ModelSummary.of(m, 3, 8, 8).output());
        try (Backend b = new CpuBackend(); CompiledModel cm = CompiledModel.compile(m, Shape.of(2, 3, 8, 8), b, 0)) {
            assertEquals(Shape.of(2, 4), cm.outputShape());
            assertEquals(Shape.of(4, 64), cm.stateDict().get("fc.weight").shape());
        }
        // A head inside a Sequential, and a second replacement.
        ZooModel lenet = Models.get("lenet5");
        Layer l = lenet.create(10, 1, 32, 32);
        lenet.replaceHead(l, 3);
        lenet.replaceHead(l, 5);
        assertEquals(Shape.of(1, 5), ModelSummary.of(l, 1, 32, 32).output());
        assertThrows(IllegalArgumentException.class, () -> lenet.replaceHead(l, 0));
    }

    @Test
    void inputsFollowTorchvisionsPresets() {
        InputSpec r18 = Models.get("resnet18").input();
        assertEquals(List.of(3, 224, 224, 256), List.of(r18.channels(), r18.height(), r18.width(), r18.resizeSize()));
        assertEquals(Normalization.IMAGENET, r18.normalization());
        InputSpec b3 = Models.get("efficientnet_b3").input();
        assertEquals(List.of(300, 320), List.of(b3.height(), b3.resizeSize()));
        assertEquals(InputSpec.Interpolation.BICUBIC, b3.interpolation());
        assertEquals(Normalization.MINUS_ONE_TO_ONE, Models.get("efficientnet_v2_l").input().normalization());
        assertEquals(Normalization.CIFAR10, Models.get("resnet56").input().normalization());
        assertEquals(1, Models.get("lenet5_28").input().channels());
        assertEquals(TrainingRecipe.LENET, Models.get("lenet5").recipe());
        assertEquals(TrainingRecipe.GENERAL, Models.get("resnet20").recipe());
        var e = assertThrows(IllegalArgumentException.class, () -> Models.get("resnet19"));
        assertTrue(e.getMessage().contains("resnet18"), e.getMessage());
    }

    @Test
    void isUnderMatchesWholePathComponents() {
        assertTrue(ZooModel.isUnder("fc.weight", List.of("fc")));
        assertFalse(ZooModel.isUnder("fc2.weight", List.of("fc")));
        assertTrue(ZooModel.isUnder("aux1.fc2.bias", List.of("fc", "aux1.fc2")));
        assertFalse(ZooModel.isUnder("aux1.fc1.bias", new ArrayList<>(List.of("aux1.fc2"))));
    }
}
