package dev.jdnn.networks.models;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.graph.ModelTrace;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Pool2d;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shape rules and MAC counts of the backend-free trace, on tiny hand-built modules with hand-computed shapes. */
class ModelTraceTest {

    /** What a probe's forward does, given the probe (for its children). */
    private interface Body {
        Value apply(Probe self, Tracer t, Value x);
    }

    /** A module whose forward is given as a lambda, with a grouped conv and a ceil-mode pool to call. */
    private static final class Probe extends Layer {
        final Conv2d conv = register("conv", new Conv2d(4, 6, 3, 2, 1, 1, 2, true));
        final Pool2d pool = register("pool", Pool2d.max(3, 2, 0, true));
        private final Body body;

        Probe(Body body) { this.body = body; }

        @Override
        public Value forward(Tracer t, Value x) { return body.apply(this, t, x); }
    }

    /** The probe's body, then a flatten so the trace ends in [N, features] as a model must. */
    private static ModelTrace run(Body body, Shape in) {
        return ModelTrace.of(new Probe((self, t, x) -> t.flatten(body.apply(self, t, x))), in, true);
    }

    /** The output shape of {@code body} (before the flatten run adds). */
    private static Shape trace(BiFunction<Tracer, Value, Value> body, Shape in) {
        ModelTrace r = run((self, t, x) -> body.apply(t, x), in);
        return r.ops().size() > 1 && r.ops().getLast().kind().equals("flatten") ? r.ops().get(r.ops().size() - 2).output() : r.output();
    }

    @Test
    void convShapeAndMacs() {
        ModelTrace r = run((self, t, x) -> t.call(self.conv, x), Shape.of(2, 4, 9, 9));
        // (9 + 2 - 3) / 2 + 1 = 5; MACs = N * out * 5 * 5 * (in/groups) * 3 * 3 = 2 * 6 * 25 * 2 * 9.
        assertEquals(Shape.of(2, 6, 5, 5), r.ops().getFirst().output());
        assertEquals(new ModelTrace.Op("conv2d", "conv", Shape.of(2, 6, 5, 5), 2L * 6 * 25 * 2 * 9), r.ops().getFirst());
        assertEquals(2L * 6 * 25 * 2 * 9, r.macs(), "the flatten costs nothing");
        assertEquals(Shape.of(2, 150), r.output());
        var e = assertThrows(IllegalArgumentException.class, () -> run((self, t, x) -> t.call(self.conv, x), Shape.of(2, 3, 9, 9)));
        assertTrue(e.getMessage().startsWith("conv (Conv2d): ") && e.getMessage().contains("[N, 4, H, W]") && e.getMessage().contains("[2, 3, 9, 9]"), e.getMessage());
    }

    @Test
    void ceilModePoolAndStructuralOps() {
        // ceil((9 - 3) / 2) + 1 = 4.
        assertEquals(Shape.of(1, 4, 4, 4), trace((t, x) -> t.maxPool2d(x, 3, 2, 0, true), Shape.of(1, 4, 9, 9)));
        assertEquals(Shape.of(1, 4, 4, 4), run((self, t, x) -> t.call(self.pool, x), Shape.of(1, 4, 9, 9)).ops().getFirst().output());
        assertEquals(Shape.of(1, 7, 5, 5), trace((t, x) -> t.concat(List.of(x, t.narrowChannels(x, 1, 3))), Shape.of(1, 4, 5, 5)));
        assertEquals(Shape.of(1, 8, 3, 3), trace((t, x) -> t.shortcutPadChannels(x, 2, 8), Shape.of(1, 4, 5, 5)));
        assertEquals(Shape.of(3, 100), run((self, t, x) -> x, Shape.of(3, 4, 5, 5)).output());
    }

    @Test
    void mismatchesAreRejected() {
        Shape in = Shape.of(1, 4, 5, 5);
        assertThrows(IllegalArgumentException.class, () -> trace((t, x) -> t.add(x, t.narrowChannels(x, 0, 2)), in));
        assertThrows(IllegalArgumentException.class, () -> trace((t, x) -> t.narrowChannels(x, 3, 2), in));
        assertThrows(IllegalArgumentException.class, () -> trace((t, x) -> t.channelShuffle(x, 3), in));
        assertThrows(IllegalArgumentException.class, () -> trace((t, x) -> t.scaleChannels(x, x), in));
        assertThrows(IllegalArgumentException.class, () -> trace((t, x) -> t.shortcutPadChannels(x, 2, 5), in));
        var e = assertThrows(IllegalArgumentException.class, () -> trace((t, x) -> t.concat(List.of(x, t.shortcutPadChannels(x, 2, 4))), in));
        assertTrue(e.getMessage().contains("[1, 4, 5, 5]") && e.getMessage().contains("[1, 4, 3, 3]"), e.getMessage());
    }
}
