package dev.jdnn.networks.graph;

import dev.jdnn.networks.graph.plan.MemoryPlanner;


import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.ops.Backend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The planned memory layout never lets two simultaneously live buffers share storage. Checked two ways: the
 * planner's output directly (random lifetimes), and end to end — a deep net run with sharing and NaN poisoning
 * (every buffer filled with NaN when its lifetime starts and when it ends) must give bit-for-bit the results of the
 * naive layout (every buffer its own range), for the eval forward, the training loss and every parameter gradient.
 */
class MemoryPlanTest {
    final Backend backend = TestBackends.cpu();

    @Test
    void plannerNeverOverlapsBuffersAliveAtTheSameTime() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 50; trial++) {
            List<MemoryPlanner.Request> reqs = new ArrayList<>();
            int n = 1 + r.nextInt(60);
            for (int i = 0; i < n; i++) {
                int start = r.nextInt(40), end = start + r.nextInt(10);
                reqs.add(new MemoryPlanner.Request(1 + r.nextInt(5000), start, end));
            }
            MemoryPlanner.Layout layout = MemoryPlanner.shared(reqs);
            for (int i = 0; i < n; i++) {
                long ai = layout.offsets()[i], bi = ai + reqs.get(i).bytes();
                assertTrue(bi <= layout.size(), "buffer inside the arena");
                assertEquals(0, ai % MemoryPlanner.ALIGNMENT, "aligned offset");
                for (int j = i + 1; j < n; j++) {
                    MemoryPlanner.Request ri = reqs.get(i), rj = reqs.get(j);
                    boolean together = ri.start() <= rj.end() && rj.start() <= ri.end(); // inclusive step ranges
                    if (!together) continue;
                    long aj = layout.offsets()[j], bj = aj + reqs.get(j).bytes();
                    assertTrue(bi <= aj || bj <= ai, "buffers " + i + " and " + j + " are alive together but overlap: " + reqs.get(i) + "@" + ai + ", " + reqs.get(j) + "@" + aj);
                }
            }
            assertTrue(layout.size() <= MemoryPlanner.naive(reqs).size());
        }
    }

    private record Results(float[] eval, float loss, float[] grads, float[] trainLogits) {}

    private Results run(CompileOptions options) {
        Shape shape = Shape.of(4, 3, 8, 8);
        Layer net = TinyNets.deepNet(5, 0.3f);
        try (CompiledModel m = CompiledModel.compile(net, shape, backend, 21, options); Tensor labels = GraphFixture.labels(backend, 4, 5)) {
            backend.upload(GraphFixture.input(shape, 8), m.input());
            m.setTraining(false);
            float[] eval = backend.download(m.forward());
            m.setTraining(true);
            float loss = m.forwardBackward(labels, 0.1f);
            float[] grads = backend.download(m.flatGradients());
            float loss2 = m.forwardBackward(labels, 0.1f); // second step: dropout masks and BN running stats move on
            float[] grads2 = backend.download(m.flatGradients());
            float[] trainLogits = backend.download(m.forward());
            float[] all = new float[grads.length + grads2.length];
            System.arraycopy(grads, 0, all, 0, grads.length);
            System.arraycopy(grads2, 0, all, grads.length, grads2.length);
            return new Results(eval, loss + 1000 * loss2, all, trainLogits);
        }
    }

    @Test
    void poisonedSharedLayoutGivesBitIdenticalResultsToTheNaiveLayout() {
        Results naive = run(new CompileOptions(false, false));
        Results planned = run(new CompileOptions(true, true));
        for (float v : naive.grads) assertFalse(Float.isNaN(v), "naive results are finite");
        assertArrayEquals(naive.eval, planned.eval, "eval logits");
        assertEquals(naive.loss, planned.loss, "losses");
        assertArrayEquals(naive.grads, planned.grads, "parameter gradients");
        assertArrayEquals(naive.trainLogits, planned.trainLogits, "training-graph logits");
    }

    @Test
    void inPlaceActivationsGiveBitIdenticalResultsAndSaveMemory() {
        Results separate = run(new CompileOptions(true, true, false));
        Results inPlace = run(new CompileOptions(true, true, true));
        assertArrayEquals(separate.eval, inPlace.eval, "eval logits");
        assertEquals(separate.loss, inPlace.loss, "losses");
        assertArrayEquals(separate.grads, inPlace.grads, "parameter gradients");
        Shape shape = Shape.of(4, 3, 8, 8);
        try (CompiledModel a = CompiledModel.compile(TinyNets.deepNet(5, 0f), shape, backend, 1, new CompileOptions(true, false, false));
             CompiledModel b = CompiledModel.compile(TinyNets.deepNet(5, 0f), shape, backend, 1)) {
            long without = a.memoryReport().plannedActivationBytes(), with = b.memoryReport().plannedActivationBytes();
            assertTrue(with < without, "in-place activations save memory: " + with + " vs " + without);
        }
    }

    @Test
    void planningSavesMemoryOnADeeperNet() {
        try (CompiledModel m = CompiledModel.compile(TinyNets.deepNet(5, 0f), Shape.of(4, 3, 8, 8), backend, 1)) {
            MemoryReport r = m.memoryReport();
            assertTrue(r.plannedActivationBytes() < r.naiveActivationBytes() * 0.7, "planned well below naive: " + r);
            assertTrue(r.parameterBytes() > 0);
        }
    }
}
