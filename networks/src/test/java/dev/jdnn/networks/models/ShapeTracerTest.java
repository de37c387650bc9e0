package dev.jdnn.networks.models;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Pool2d;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shape rules of the structural ops and leaves, on tiny hand-built modules with hand-computed shapes. */
class ShapeTracerTest {

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

    private static ShapeTracer.Result run(Body body, Shape in) {
        return ShapeTracer.trace(new Probe(body), in, true);
    }

    private static Shape trace(BiFunction<Tracer, Value, Value> body, Shape in) {
        return run((self, t, x) -> body.apply(t, x), in).output();
    }

    @Test
    void convShapeAndMacs() {
        ShapeTracer.Result r = run((self, t, x) -> t.call(self.conv, x), Shape.of(2, 4, 9, 9));
        // (9 + 2 - 3) / 2 + 1 = 5; MACs = N * out * 5 * 5 * (in/groups) * 3 * 3 = 2 * 6 * 25 * 2 * 9.
        assertEquals(Shape.of(2, 6, 5, 5), r.output());
        assertEquals(2L * 6 * 25 * 2 * 9, r.macs());
        var e = assertThrows(IllegalArgumentException.class, () -> run((self, t, x) -> t.call(self.conv, x), Shape.of(2, 3, 9, 9)));
        assertTrue(e.getMessage().contains("'conv'") && e.getMessage().contains("4 channels") && e.getMessage().contains("[2, 3, 9, 9]"), e.getMessage());
    }

    @Test
    void ceilModePoolAndStructuralOps() {
        // ceil((9 - 3) / 2) + 1 = 4.
        assertEquals(Shape.of(1, 4, 4, 4), run((self, t, x) -> t.call(self.pool, x), Shape.of(1, 4, 9, 9)).output());
        assertEquals(Shape.of(1, 7, 5, 5), trace((t, x) -> t.concat(List.of(x, t.narrowChannels(x, 1, 3))), Shape.of(1, 4, 5, 5)));
        assertEquals(Shape.of(1, 8, 3, 3), trace((t, x) -> t.shortcutPadChannels(x, 2, 8), Shape.of(1, 4, 5, 5)));
        assertEquals(Shape.of(3, 100), trace((t, x) -> t.flatten(x), Shape.of(3, 4, 5, 5)));
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
