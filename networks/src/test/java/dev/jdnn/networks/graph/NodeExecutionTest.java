package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.graph.run.NodeExecution;
import dev.jdnn.ops.Backend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every node call passes through the plan's {@link NodeExecution}, once per forward and once per backward that runs,
 * in execution order, with the node's own context — and a pass-through changes no result.
 */
class NodeExecutionTest {
    private final Backend backend = TestBackends.cpu();

    @Test
    void everyNodeCallGoesThroughTheHookInOrder() {
        Shape shape = Shape.of(4, 3, 6, 6);
        List<String> calls = new ArrayList<>();
        NodeExecution recording = (node, phase, context, call) -> {
            assertTrue(context.out != null, node + ": the node's own context");
            calls.add(phase + " " + node.index());
            call.run();
        };
        try (CompiledModel hooked = CompiledModel.compile(TinyNets.inceptionNet(3, TinyNets.RELU), shape, backend, 4, CompileOptions.DEFAULT, recording);
             CompiledModel plain = CompiledModel.compile(TinyNets.inceptionNet(3, TinyNets.RELU), shape, backend, 4);
             Tensor labels = GraphFixture.labels(backend, 4, 3)) {
            backend.upload(GraphFixture.input(shape, 1), hooked.input());
            backend.upload(GraphFixture.input(shape, 1), plain.input());
            float loss = hooked.forwardBackward(labels, 0f);
            assertEquals(plain.forwardBackward(labels, 0f), loss, "a pass-through hook changes nothing");
            assertArrayEquals(backend.download(plain.flatGradients()), backend.download(hooked.flatGradients()));

            int nodes = hooked.plan(true).graph().nodes().size();
            long backwards = hooked.plan(true).graph().nodes().stream().filter(hooked.plan(true)::runsBackward).count();
            assertEquals(nodes + backwards, calls.size(), "one call per forward, one per backward that runs");
            for (int k = 0; k < nodes; k++) assertEquals("FORWARD " + k, calls.get(k), "forwards in execution order");
            assertTrue(calls.get(nodes).startsWith("BACKWARD ") && calls.getLast().startsWith("BACKWARD "), calls.toString());
            int first = Integer.parseInt(calls.get(nodes).substring(9)), last = Integer.parseInt(calls.getLast().substring(9));
            assertTrue(first > last, "backwards in reverse order: " + calls.subList(nodes, calls.size()));
        }
    }
}
