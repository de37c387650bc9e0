package dev.jdnn.cli;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Head and last-stage paths on real zoo models (built, not compiled), by torchvision's module names. */
class ModelHeadsTest {
    private static Layer model(String name, int classes) {
        return Models.create(name, ModelConfig.of(classes, 3, 32, 32));
    }

    @Test
    void headsFollowTorchvisionNames() {
        assertEquals("fc", ModelHeads.head(model("resnet20", 7)));
        assertEquals("fc", ModelHeads.head(model("resnet18", 7)));
        assertEquals("classifier.6", ModelHeads.head(model("vgg11", 7)));
        assertEquals("classifier.4", ModelHeads.head(model("lenet5", 7)));
        assertEquals("classifier.1", ModelHeads.head(model("mobilenet_v2", 7)));
        for (String name : List.of("resnet20", "vgg11", "lenet5", "mobilenet_v2", "shufflenet_v2_x0_5", "efficientnet_b0")) {
            Layer m = model(name, 7);
            assertTrue(m.module(ModelHeads.head(m)) instanceof Linear head && head.outFeatures == 7, name);
        }
        assertEquals(List.of("fc", "aux1", "aux2"), ModelHeads.classDependent(model("googlenet", 7)));
    }

    @Test
    void lastStageIsTheLastParameterisedBlockBeforeTheHead() {
        assertEquals("layer3", ModelHeads.lastStage(model("resnet20", 10)));
        assertEquals("layer4", ModelHeads.lastStage(model("resnet18", 10)));
        Layer vgg = model("vgg11", 10);
        String stage = ModelHeads.lastStage(vgg);
        assertTrue(stage.startsWith("features."), stage);
        assertFalse(vgg.module(stage).namedParameters().isEmpty());
    }

    @Test
    void underMatchesWholePathComponents() {
        assertTrue(ModelHeads.under("fc.weight", List.of("fc")));
        assertFalse(ModelHeads.under("fc2.weight", List.of("fc")));
        assertTrue(ModelHeads.under("aux1.fc2.bias", List.of("fc", "aux1")));
    }
}
