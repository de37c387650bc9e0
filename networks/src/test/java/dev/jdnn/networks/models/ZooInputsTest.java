package dev.jdnn.networks.models;

import dev.jdnn.memory.Shape;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The input CudaZooTrainingStepTest gives each model exists for every model (checked here, without a GPU). */
class ZooInputsTest {
    @Test
    void everyModelHasASmallInput() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String name : Models.names()) {
            Shape in = ZooInputs.smallest(name, 2);
            assertEquals(2, in.dim(0));
            sizes.put(name, in.dim(2));
        }
        assertEquals(28, sizes.get("lenet5_28"));
        assertEquals(32, sizes.get("resnet20"));
        assertTrue(sizes.get("alexnet") > 32, "AlexNet's 11x11 stride-4 stem and three pools need more than 32: " + sizes.get("alexnet"));
        System.out.println("zoo inputs: " + sizes);
    }
}
