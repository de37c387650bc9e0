package dev.jdnn.networks.graph;

import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.graph.nodes.BatchNormNode;
import dev.jdnn.networks.graph.nodes.ConcatNode;
import dev.jdnn.networks.graph.nodes.ConvNode;
import dev.jdnn.networks.graph.nodes.LrnNode;
import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.networks.graph.nodes.PoolNode;
import dev.jdnn.networks.graph.run.ExecutionPlan;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Backend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In a channels-last compile, the ops a GPU runs through cuDNN (convolution, batch norm, pooling, LRN) see only densely
 * packed NHWC operands: channel slices (a concatenation's parts, ShuffleNet's split) would be pixel-strided, which
 * cuDNN's NHWC kernels are not known to accept, so the graph copies them instead. The models are the zoo's two that
 * slice channels; that the copies change no result is ChannelsLastZooTest's bit-for-bit equality with NCHW.
 */
class ChannelsLastOperandsTest {
    private final Backend backend = TestBackends.cpu();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"googlenet", "shufflenet_v2_x0_5"})
    void cudnnOpsSeeOnlyDenseNhwcOperands(String name) {
        Shape in = Shape.of(2, 3, 64, 64);
        try (CompiledModel m = CompiledModel.compile(Models.create(name, ModelConfig.of(10, 3, 64, 64)), in, backend, 1,
                CompileOptions.DEFAULT.withLayout(CompileOptions.Layout.NHWC))) {
            assertEquals(MemoryFormat.NHWC, m.memoryFormat());
            for (boolean training : new boolean[]{true, false}) {
                ExecutionPlan plan = m.plan(training);
                int checked = 0;
                for (Node n : plan.graph().nodes()) {
                    if (n instanceof ConcatNode c) {
                        for (int i = 0; i < n.inputs.length; i++) assertFalse(c.isInPlace(i), n + " part " + i + " is copied, not aliased");
                    }
                    if (!(n instanceof ConvNode || n instanceof BatchNormNode || n instanceof PoolNode || n instanceof LrnNode)) continue;
                    for (int id : n.inputs) assertDense(plan.valueTensor(id), n + " input");
                    assertDense(plan.valueTensor(n.output.id()), n + " output");
                    checked++;
                }
                assertTrue(checked > 20, name + ": checked " + checked + " cuDNN-backed nodes (training=" + training + ")");
            }
        }
    }

    private static void assertDense(Tensor t, String what) {
        if (t.shape().rank() != 4) return;
        assertTrue(MemoryFormat.NHWC.isLayoutOf(t), what + " is densely packed NHWC: " + t.describe());
    }
}
