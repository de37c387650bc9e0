package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.DropoutPlan;
import dev.jdnn.ops.DropoutSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inverted dropout: scaling, drop statistics, mask reuse in backward, seeding and stream advance, the counter-based
 * stream (each call's mask against a reference built on {@link SplittableRandom}), position and seek, in place — in
 * every operand type ({@link TypedContract}): kept values are x * scale computed in float32 and rounded once to the
 * dtype, bit for bit, and the mask is indexed by the logical element, so it is the same in NCHW and NHWC.
 * Backend-independent (see {@link BackendContract}).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.jdnn.ops.testing.TypedContract#operandTypes")
public abstract class DropoutContract extends TypedContract {
    protected static final Shape SHAPE = Shape.of(4, 8, 32, 32); // 32768 elements
    protected static final float P = 0.3f;

    @Test
    public void dropsAboutPAndScalesKeptByInverseKeepProbability() {
        float[] x = stored(Rand.uniform(61, (int) SHAPE.numel(), 0.5, 1.5)); // never zero, so a zero output means dropped
        try (var f = fixtures(); DropoutPlan plan = dropout(f, P, 7)) {
            Tensor y = f.actOutput(SHAPE, true), reserve = f.bytes(plan.reserveBytes());
            plan.forward(f.act(SHAPE, x, true), y, reserve);
            float[] out = f.get(y);
            int dropped = 0;
            float scale = 1f / (1f - P);
            for (int i = 0; i < out.length; i++) {
                if (out[i] == 0f) dropped++;
                else assertEquals(f.stored(new float[] {x[i] * scale})[0], out[i], 0f, "kept element " + i);
            }
            double fraction = (double) dropped / out.length, sigma = Math.sqrt(P * (1 - P) / out.length);
            assertTrue(Math.abs(fraction - P) < 5 * sigma, "dropped fraction " + fraction + " is not within 5 sigma of " + P);
            assertTrue(f.paddingIntact(y), "wrote outside the batch-strided view");

            // backward zeroes exactly the dropped positions and scales the rest
            float[] dy = stored(Rand.uniform(62, out.length, 0.5, 1.5));
            Tensor dx = f.actOutput(SHAPE, false);
            plan.backward(f.act(SHAPE, dy, true), dx, reserve);
            float[] g = f.get(dx);
            for (int i = 0; i < g.length; i++) {
                assertEquals(out[i] == 0f ? 0f : f.stored(new float[] {dy[i] * scale})[0], g[i], 0f, "gradient element " + i);
            }
        }
    }

    @Test
    public void streamIsSeededAndAdvancesEveryCall() {
        float[] x = stored(Rand.uniform(63, (int) SHAPE.numel(), 0.5, 1.5));
        try (var f = fixtures();
             DropoutPlan a = dropout(f, P, 99); DropoutPlan b = dropout(f, P, 99)) {
            Tensor tx = f.act(SHAPE, x, false), y = f.actOutput(SHAPE, false), reserve = f.bytes(a.reserveBytes());
            a.forward(tx, y, reserve);
            float[] first = f.get(y);
            a.forward(tx, y, reserve);
            float[] second = f.get(y);
            b.forward(tx, y, reserve);
            assertArrayEquals(first, f.get(y), "same seed, same first mask");
            assertFalse(java.util.Arrays.equals(first, second), "the second call must draw a new mask");
            assertEquals(2, a.position(), "two calls made on a");
            assertEquals(1, b.position(), "one call made on b");
        }
    }

    /** A dropout plan for the run's operand type. */
    protected DropoutPlan dropout(BackendParityFixtures f, float p, long seed) {
        return f.backend().dropout(new DropoutSpec(SHAPE, p, seed, type));
    }

    /**
     * An independent reference of the stream: call k's key is the k-th nextLong of new SplittableRandom(seed), and the
     * hashes of elements 0, 1, 2, ... are the successive nextLongs of new SplittableRandom(key - GOLDEN) (both are
     * SplitMix64: nextLong() of a generator at s returns mix(s + GOLDEN)). Returns y for input x, as float32 (the
     * caller rounds it to the dtype).
     */
    private static float[] reference(long seed, long call, float p, float[] x) {
        SplittableRandom keys = new SplittableRandom(seed);
        long key = 0;
        for (long k = 0; k <= call; k++) key = keys.nextLong();
        SplittableRandom hashes = new SplittableRandom(key - 0x9E3779B97F4A7C15L);
        long threshold = Math.round((double) p * (1 << 24));
        float scale = 1f / (1f - p);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (hashes.nextLong() >>> 40) >= threshold ? x[i] * scale : 0f;
        return y;
    }

    @Test
    public void eachCallsMaskIsTheCounterBasedStreamsBitForBit() {
        float[] x = stored(Rand.uniform(65, (int) SHAPE.numel(), -1.5, 1.5));
        try (var f = fixtures(); DropoutPlan plan = dropout(f, P, 1234567)) {
            Tensor tx = f.act(SHAPE, x, true), reserve = f.bytes(plan.reserveBytes());
            for (int call = 0; call < 3; call++) {
                Tensor y = f.actOutput(SHAPE, true); // a view: the mask index is still the logical (row-major) element index
                plan.forward(tx, y, reserve);
                assertArrayEquals(f.stored(reference(1234567, call, P, x)), f.get(y), "call " + call);
                assertTrue(f.paddingIntact(y), "wrote outside the batch-strided view");
            }
        }
    }

    @Test
    public void seekReproducesAnyCallsMaskAndPositionCountsCalls() {
        float[] x = stored(Rand.uniform(66, (int) SHAPE.numel(), 0.5, 1.5));
        try (var f = fixtures();
             DropoutPlan a = dropout(f, P, 5); DropoutPlan b = dropout(f, P, 5)) {
            Tensor tx = f.act(SHAPE, x, false), y = f.actOutput(SHAPE, false), reserve = f.bytes(a.reserveBytes());
            assertEquals(0, a.position());
            float[][] calls = new float[4][];
            for (int k = 0; k < 4; k++) {
                a.forward(tx, y, reserve);
                calls[k] = f.get(y);
                assertEquals(k + 1, a.position(), "position after " + (k + 1) + " calls");
            }
            a.seek(1);
            assertEquals(1, a.position());
            a.forward(tx, y, reserve);
            assertArrayEquals(calls[1], f.get(y), "seek(1) then forward draws call 1's mask again");
            assertEquals(2, a.position());
            a.forward(tx, y, reserve);
            assertArrayEquals(calls[2], f.get(y), "and continues with call 2's");
            b.seek(3); // a fresh plan jumps straight to call 3
            b.forward(tx, y, reserve);
            assertArrayEquals(calls[3], f.get(y), "a fresh plan seeked to 3 draws call 3's mask");
            b.seek(0);
            b.forward(tx, y, reserve);
            assertArrayEquals(calls[0], f.get(y), "seek(0) restarts the stream");
            var e = assertThrows(IllegalArgumentException.class, () -> b.seek(-1));
            assertTrue(e.getMessage().contains("-1"), e.getMessage());
        }
    }

    @Test
    public void consecutiveMasksAreIndependent() {
        // Both calls drop an element with probability p^2 if the masks are independent.
        float[] ones = new float[(int) SHAPE.numel()];
        java.util.Arrays.fill(ones, 1f);
        try (var f = fixtures(); DropoutPlan plan = dropout(f, P, 3)) {
            Tensor tx = f.act(SHAPE, ones, false), y = f.actOutput(SHAPE, false), reserve = f.bytes(plan.reserveBytes());
            plan.forward(tx, y, reserve);
            float[] first = f.get(y);
            plan.forward(tx, y, reserve);
            float[] second = f.get(y);
            int both = 0;
            for (int i = 0; i < first.length; i++) if (first[i] == 0f && second[i] == 0f) both++;
            double q = (double) P * P, sigma = Math.sqrt(q * (1 - q) / first.length), fraction = (double) both / first.length;
            assertTrue(Math.abs(fraction - q) < 5 * sigma, "dropped by both calls: " + fraction + ", expected " + q + " within 5 sigma");
        }
    }

    @Test
    public void runsInPlace() {
        float[] x = stored(Rand.uniform(67, (int) SHAPE.numel(), 0.5, 1.5));
        try (var f = fixtures(); DropoutPlan plan = dropout(f, P, 8)) {
            Tensor t = f.act(SHAPE, x, false), reserve = f.bytes(plan.reserveBytes());
            plan.forward(t, t, reserve);
            assertArrayEquals(f.stored(reference(8, 0, P, x)), f.get(t));
        }
    }

    @Test
    public void zeroProbabilityIsIdentity() {
        float[] x = stored(Rand.uniform(64, (int) SHAPE.numel()));
        try (var f = fixtures(); DropoutPlan plan = dropout(f, 0f, 1)) {
            Tensor y = f.actOutput(SHAPE, false);
            plan.forward(f.act(SHAPE, x, false), y, f.bytes(plan.reserveBytes()));
            assertArrayEquals(x, f.get(y));
        }
    }
}
