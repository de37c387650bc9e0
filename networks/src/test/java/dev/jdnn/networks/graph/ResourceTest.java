package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steps allocate nothing; close frees everything compile allocated. */
class ResourceTest {
    @Test
    void noMemoryGrowthOver100StepsAndCloseFreesEverything() {
        Backend backend = TestBackends.cpu();
        Shape shape = Shape.of(2, 3, 6, 6);
        long before = backend.memoryStats().liveBytes();
        try (Tensor labels = GraphFixture.labels(backend, 2, 3)) {
            CompiledModel m = CompiledModel.compile(TinyNets.mixedNet(3, TinyNets.RELU), shape, backend, 4);
            backend.upload(GraphFixture.input(shape, 1), m.input());
            m.forwardBackward(labels, 0f);
            long afterFirst = backend.memoryStats().liveBytes();
            for (int i = 0; i < 100; i++) {
                float loss = m.forwardBackward(labels, 0f);
                assertTrue(Float.isFinite(loss));
                if (i % 10 == 0) m.forward();
            }
            assertEquals(afterFirst, backend.memoryStats().liveBytes(), "live bytes after 100 steps");
            m.close();
            assertEquals(before + labels.numel() * 4, backend.memoryStats().liveBytes(), "close frees everything compile allocated");
        }
    }
}
