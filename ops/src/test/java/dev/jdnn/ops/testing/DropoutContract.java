package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.DropoutPlan;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inverted dropout: scaling, drop statistics, mask reuse in backward, seeding and stream advance.
 * Backend-independent (see {@link BackendContract}).
 */
public abstract class DropoutContract extends BackendContract {
    protected static final Shape SHAPE = Shape.of(4, 8, 32, 32); // 32768 elements
    protected static final float P = 0.3f;

    @Test
    public void dropsAboutPAndScalesKeptByInverseKeepProbability() {
        float[] x = Rand.uniform(61, (int) SHAPE.numel(), 0.5, 1.5); // never zero, so a zero output means dropped
        try (var f = new BackendParityFixtures(backend()); DropoutPlan plan = f.backend().dropout(SHAPE, P, 7)) {
            Tensor y = f.output(SHAPE, true), reserve = f.bytes(plan.reserveBytes());
            plan.forward(f.tensor(SHAPE, x, true), y, reserve);
            float[] out = f.get(y);
            int dropped = 0;
            float scale = 1f / (1f - P);
            for (int i = 0; i < out.length; i++) {
                if (out[i] == 0f) dropped++;
                else assertEquals(x[i] * scale, out[i], 1e-6f * out[i], "kept element " + i);
            }
            double fraction = (double) dropped / out.length, sigma = Math.sqrt(P * (1 - P) / out.length);
            assertTrue(Math.abs(fraction - P) < 5 * sigma, "dropped fraction " + fraction + " is not within 5 sigma of " + P);
            assertTrue(f.paddingIntact(y), "wrote outside the batch-strided view");

            // backward zeroes exactly the dropped positions and scales the rest
            float[] dy = Rand.uniform(62, out.length, 0.5, 1.5);
            Tensor dx = f.output(SHAPE, false);
            plan.backward(f.tensor(SHAPE, dy, true), dx, reserve);
            float[] g = f.get(dx);
            for (int i = 0; i < g.length; i++) {
                assertEquals(out[i] == 0f ? 0f : dy[i] * scale, g[i], 1e-6f * Math.abs(g[i]), "gradient element " + i);
            }
        }
    }

    @Test
    public void streamIsSeededAndAdvancesEveryCall() {
        float[] x = Rand.uniform(63, (int) SHAPE.numel(), 0.5, 1.5);
        try (var f = new BackendParityFixtures(backend());
             DropoutPlan a = f.backend().dropout(SHAPE, P, 99); DropoutPlan b = f.backend().dropout(SHAPE, P, 99)) {
            Tensor tx = f.tensor(SHAPE, x), y = f.output(SHAPE, false), reserve = f.bytes(a.reserveBytes());
            a.forward(tx, y, reserve);
            float[] first = f.get(y);
            a.forward(tx, y, reserve);
            float[] second = f.get(y);
            b.forward(tx, y, reserve);
            assertArrayEquals(first, f.get(y), "same seed, same first mask");
            assertFalse(java.util.Arrays.equals(first, second), "the second call must draw a new mask");
        }
    }

    @Test
    public void zeroProbabilityIsIdentity() {
        float[] x = Rand.uniform(64, (int) SHAPE.numel());
        try (var f = new BackendParityFixtures(backend()); DropoutPlan plan = f.backend().dropout(SHAPE, 0f, 1)) {
            Tensor y = f.output(SHAPE, false);
            plan.forward(f.tensor(SHAPE, x), y, f.bytes(plan.reserveBytes()));
            assertArrayEquals(x, f.get(y));
        }
    }
}
