package dev.jdnn.networks.graph;

import dev.jdnn.networks.graph.nodes.AddNode;
import dev.jdnn.networks.graph.nodes.ConcatNode;
import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.networks.graph.run.ExecutionPlan;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.ops.Backend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concatenation writes producers straight into channel slices where it may, and copies where it must. */
class ConcatInPlaceTest {
    final Backend backend = TestBackends.cpu();

    private static ConcatNode concat(CompiledModel m, boolean training) {
        return m.plan(training).graph().nodes().stream().filter(n -> n instanceof ConcatNode).map(n -> (ConcatNode) n).findFirst().orElseThrow();
    }

    @Test
    void inceptionBranchesAreWrittenInPlace() {
        try (CompiledModel m = CompiledModel.compile(TinyNets.inceptionNet(3, TinyNets.RELU), Shape.of(2, 3, 5, 5), backend, 1)) {
            for (boolean training : new boolean[]{true, false}) {
                ConcatNode c = concat(m, training);
                for (int i = 0; i < 3; i++) assertTrue(c.isInPlace(i), "branch " + i + " written in place (training=" + training + ")");
                assertFalse(m.describeGraph(training).contains("copy"), "no copy node");
            }
        }
    }

    /** [relu(conv(x)), x, conv(x) also added to the result]: only the first part may be written in place. */
    static final class PartlyShared extends Layer {
        final Conv2d a = register("a", new Conv2d(3, 3, 1, 1, 0, true)), b = register("b", new Conv2d(3, 3, 1, 1, 0, true));
        final Act relu = register("relu", Act.relu());

        @Override
        public Value forward(Tracer t, Value x) {
            Value first = t.call(relu, t.call(a, x));
            Value shared = t.call(b, x);
            Value cat = t.concat(List.of(first, x, shared));
            return t.add(cat, t.concat(List.of(shared, shared, shared)));
        }
    }

    @Test
    void partsWithOtherReadersOrTheGraphInputAreCopiedAndValuesAreRight() {
        Shape shape = Shape.of(2, 3, 4, 4);
        try (CompiledModel m = CompiledModel.compile(new TinyNets.Classifier(new PartlyShared(), 9, 3, 0f), shape, backend, 2)) {
            ConcatNode c = concat(m, false);
            assertTrue(c.isInPlace(0), "relu output read only by the concat");
            assertFalse(c.isInPlace(1), "the graph input is copied");
            assertFalse(c.isInPlace(2), "a value read twice is copied");

            // the sum must equal [relu(a(x)), x, b(x)] + [b(x), b(x), b(x)] (float64 reference)
            float[] x = GraphFixture.input(shape, 3);
            backend.upload(x, m.input());
            m.setTraining(false);
            m.forward();
            ExecutionPlan plan = m.plan(false);
            Node sum = plan.graph().nodes().stream().filter(n -> n instanceof AddNode).findFirst().orElseThrow();
            float[] cat = backend.download(plan.valueTensor(sum.output.id()));
            assertEquals(2 * 9 * 16, cat.length);
            float[] wa = backend.download(m.stateDict().get("body.a.weight").value()), ba = backend.download(m.stateDict().get("body.a.bias").value());
            float[] wb = backend.download(m.stateDict().get("body.b.weight").value()), bb = backend.download(m.stateDict().get("body.b.bias").value());
            float[] expected = new float[cat.length];
            for (int n = 0; n < 2; n++)
                for (int p = 0; p < 16; p++)
                    for (int o = 0; o < 3; o++) {
                        double sa = ba[o], sb = bb[o];
                        for (int i = 0; i < 3; i++) {
                            sa += wa[o * 3 + i] * x[(n * 3 + i) * 16 + p];
                            sb += wb[o * 3 + i] * x[(n * 3 + i) * 16 + p];
                        }
                        expected[(n * 9 + o) * 16 + p] = (float) (Math.max(sa, 0) + sb);
                        expected[(n * 9 + 3 + o) * 16 + p] = (float) (x[(n * 3 + o) * 16 + p] + sb);
                        expected[(n * 9 + 6 + o) * 16 + p] = (float) (2 * sb);
                    }
            for (int i = 0; i < cat.length; i++) assertEquals(expected[i], cat[i], 1e-5, "element " + i);
        }
    }
}
