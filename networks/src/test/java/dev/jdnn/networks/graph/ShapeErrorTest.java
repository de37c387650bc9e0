package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Sequential;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shape errors name the module path and both shapes. */
class ShapeErrorTest {
    @Test
    void linearWithWrongInFeaturesAfterFlattenNamesPathAndShapes() {
        // body ends with 4 channels, the classifier expects 6 features
        Layer net = new TinyNets.Classifier(new Conv2d(3, 4, 3, 1, 1, false), 6, 3, 0f);
        var e = assertThrows(IllegalArgumentException.class, () -> CompiledModel.compile(net, Shape.of(2, 3, 5, 5), TestBackends.cpu(), 1));
        String m = e.getMessage();
        assertTrue(m.startsWith("fc "), m);
        assertTrue(m.contains("[N, 6]") && m.contains("[2, 4]"), m);
    }

    @Test
    void convWithWrongInputChannelsNamesNestedPath() {
        Sequential block = new Sequential();
        block.add("conv1", new Conv2d(5, 4, 3, 1, 1, false));
        Layer net = new TinyNets.Classifier(new Sequential(new Sequential(new Conv2d(3, 4, 1, 1, 0, false), block)), 4, 3, 0f);
        var e = assertThrows(IllegalArgumentException.class, () -> CompiledModel.compile(net, Shape.of(2, 3, 5, 5), TestBackends.cpu(), 1));
        assertTrue(e.getMessage().startsWith("body.0.1.conv1 "), e.getMessage());
        assertTrue(e.getMessage().contains("[N, 5, H, W]") && e.getMessage().contains("[2, 4, 5, 5]"), e.getMessage());
    }

    @Test
    void addOfMismatchedShapesNamesTheCompositeModule() {
        Layer bad = new Layer() {
            final Conv2d conv = register("conv", new Conv2d(3, 4, 3, 1, 1, false));

            @Override
            public Value forward(Tracer t, Value x) {
                return t.add(t.call(conv, x), x);
            }
        };
        Layer net = new TinyNets.Classifier(new Sequential().add("block", bad), 4, 3, 0f);
        var e = assertThrows(IllegalArgumentException.class, () -> CompiledModel.compile(net, Shape.of(2, 3, 5, 5), TestBackends.cpu(), 1));
        assertTrue(e.getMessage().startsWith("body.block "), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 4, 5, 5]") && e.getMessage().contains("[2, 3, 5, 5]"), e.getMessage());
    }

    @Test
    void unregisteredChildAndNonLogitOutputAndBadLabelsAreNamed() {
        Layer unregistered = new Layer() {
            final Conv2d stray = new Conv2d(3, 3, 1, 1, 0, false);

            @Override
            public Value forward(Tracer t, Value x) {
                return t.call(stray, x);
            }
        };
        var e = assertThrows(IllegalArgumentException.class, () -> CompiledModel.compile(unregistered, Shape.of(2, 3, 5, 5), TestBackends.cpu(), 1));
        assertTrue(e.getMessage().contains("not a registered child"), e.getMessage());

        var noHead = new Sequential(new Conv2d(3, 4, 1, 1, 0, false));
        e = assertThrows(IllegalArgumentException.class, () -> CompiledModel.compile(noHead, Shape.of(2, 3, 5, 5), TestBackends.cpu(), 1));
        assertTrue(e.getMessage().contains("[2, 4, 5, 5]") && e.getMessage().contains("[N, classes]"), e.getMessage());

        var backend = TestBackends.cpu();
        try (CompiledModel m = CompiledModel.compile(TinyNets.inceptionNet(3, TinyNets.RELU), Shape.of(2, 3, 5, 5), backend, 1);
             var wrong = backend.allocate(Shape.of(3), dev.jdnn.memory.DType.INT32)) {
            e = assertThrows(IllegalArgumentException.class, () -> m.forwardBackward(wrong, 0f));
            assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("int32[3]"), e.getMessage());
        }
    }
}
