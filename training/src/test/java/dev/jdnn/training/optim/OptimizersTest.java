package dev.jdnn.training.optim;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.layers.BatchNorm2d;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Flatten;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.Sequential;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The factory gives one group over exactly the trainable parameters, with the kind and hyper-parameters asked for. */
class OptimizersTest {
    @Test
    void oneGroupOverTheTrainableParameters() {
        Layer net = new Sequential(new Conv2d(1, 2, 3, 1, 1, true), new BatchNorm2d(2), new Flatten(), new Linear(2 * 4 * 4, 3));
        net.module("0").freeze();
        try (Backend cpu = new CpuBackend(); CompiledModel m = CompiledModel.compile(net, Shape.of(2, 1, 4, 4), cpu, 0)) {
            List<String> trainable = List.copyOf(m.trainableParameters().keySet());
            assertEquals(List.of("1.weight", "1.bias", "3.weight", "3.bias"), trainable);
            try (Optimizer sgd = Optimizers.sgd(m, 0.1, 0.9, 5e-4, true);
                 Optimizer adam = Optimizers.adam(m, 1e-3, 0);
                 Optimizer adamw = Optimizers.adamw(m, 2e-3, 0.01)) {
                assertEquals(List.of(new ParameterGroup("default", trainable, 0.1, 5e-4)), sgd.groups());
                assertEquals("sgd", sgd.kind());
                assertEquals(List.of(new ParameterGroup("default", trainable, 1e-3, 0)), adam.groups());
                assertEquals(List.of(new ParameterGroup("default", trainable, 2e-3, 0.01)), adamw.groups());
                assertNotEquals(adam.kind(), adamw.kind());
            }
        }
    }
}
