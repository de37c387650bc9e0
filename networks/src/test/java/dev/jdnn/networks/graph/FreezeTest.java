package dev.jdnn.networks.graph;

import dev.jdnn.networks.graph.run.ExecutionPlan;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.BatchNorm2d;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.layers.Sequential;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.testing.Updates;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frozen modules get no gradients, no backward work, and keep BN in eval mode. */
class FreezeTest {
    static final Shape SHAPE = Shape.of(4, 3, 6, 6);
    final Backend backend = TestBackends.cpu();

    /** conv-ReLU-pool-conv backbone (no BN, so the frozen and unfrozen forward passes are identical) + linear head. */
    private static TinyNets.Classifier net() {
        return new TinyNets.Classifier(new Sequential(new Conv2d(3, 4, 3, 1, 1, true), Act.relu(), Pool2d.max(2, 2),
                new Conv2d(4, 5, 3, 1, 1, true)), 5, 3, 0f);
    }

    @Test
    void frozenBackboneGetsNoGradientsAndTheHeadTheSameGradientsAsUnfrozen() {
        TinyNets.Classifier frozenNet = net();
        frozenNet.body.freeze();
        try (CompiledModel frozen = CompiledModel.compile(frozenNet, SHAPE, backend, 3);
             CompiledModel free = CompiledModel.compile(net(), SHAPE, backend, 3);
             Tensor labels = GraphFixture.labels(backend, 4, 3)) {
            float[] x = GraphFixture.input(SHAPE, 9);
            backend.upload(x, frozen.input());
            backend.upload(x, free.input());

            assertEquals(java.util.Set.of("fc.weight", "fc.bias"), frozen.trainableParameters().keySet());
            assertEquals(2 * CompiledModel.PARAMETER_ALIGNMENT, frozen.flatParameters().numel(),
                    "only the head is in the flat parameter tensor: fc.weight (15 floats) and fc.bias (3), each padded to the alignment");
            for (var e : frozen.stateDict().entrySet()) {
                if (e.getKey().startsWith("body.")) assertNull(e.getValue().grad(), e.getKey() + " is frozen: no gradient tensor");
            }
            float lossFrozen = frozen.forwardBackward(labels, 0f), lossFree = free.forwardBackward(labels, 0f);
            assertEquals(lossFree, lossFrozen, "same initialisation, same forward");
            for (String head : new String[]{"fc.weight", "fc.bias"}) {
                float[] g = backend.download(frozen.stateDict().get(head).grad());
                assertArrayEquals(backend.download(free.stateDict().get(head).grad()), g, head + " gradient equals the unfrozen run's");
                assertTrue(norm(g) > 0, head + " gradient is not zero");
            }
            // no backward through the backbone at all: only the head's linear node runs a backward
            ExecutionPlan plan = frozen.plan(true);
            long backwardNodes = plan.graph().nodes().stream().filter(plan::runsBackward).count();
            assertEquals(1, backwardNodes, "only fc runs a backward:\n" + frozen.describeGraph(true));

            float[] backboneBefore = backend.download(frozen.stateDict().get("body.0.weight").value());
            float[] headBefore = backend.download(frozen.stateDict().get("fc.weight").value());
            Updates.sgd(backend, frozen.flatParameters(), frozen.flatGradients(), null, new OptimizerConfig.Sgd(0, 0, 0, false), 0.5, 1);
            assertArrayEquals(backboneBefore, backend.download(frozen.stateDict().get("body.0.weight").value()), "frozen values unchanged");
            assertFalse(Arrays.equals(headBefore, backend.download(frozen.stateDict().get("fc.weight").value())), "the head moved");
        }
    }

    @Test
    void frozenBatchNormStaysInEvalModeDuringTraining() {
        Sequential body = new Sequential(new Conv2d(3, 4, 3, 1, 1, true), new BatchNorm2d(4), Act.relu());
        TinyNets.Classifier model = new TinyNets.Classifier(body, 4, 3, 0f);
        body.module("1").freeze();
        try (CompiledModel m = CompiledModel.compile(model, SHAPE, backend, 3); Tensor labels = GraphFixture.labels(backend, 4, 3)) {
            backend.upload(GraphFixture.input(SHAPE, 2), m.input());
            Parameter mean = m.stateDict().get("body.1.running_mean");
            float[] mean0 = backend.download(mean.value());
            m.setTraining(false);
            float[] evalLogits = backend.download(m.forward());
            m.setTraining(true);
            assertArrayEquals(evalLogits, backend.download(m.forward()), "with BN frozen the training forward equals the eval forward here");
            m.forwardBackward(labels, 0f);
            assertArrayEquals(mean0, backend.download(mean.value()), "frozen BN keeps its running statistics");
            // the conv before the frozen BN is trainable, so the gradient flows through the frozen BN's affine map
            Parameter conv = m.trainableParameters().get("body.0.weight");
            assertNotNull(conv.grad());
            assertTrue(norm(backend.download(conv.grad())) > 0, "gradient reaches the conv through the frozen BN");
            assertNull(m.stateDict().get("body.1.weight").grad(), "frozen BN gamma has no gradient");
        }
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float f : v) s += f * f;
        return Math.sqrt(s);
    }
}
