package dev.jdnn.memory;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The bfloat16 and float16 conversions against a slow reference that picks, in double arithmetic, the nearer of the
 * two representable neighbours of a float (ties to the even bit pattern, overflow to infinity past the largest finite
 * value plus half its ulp): every one of the 65,536 bit patterns of each type round-trips; every float just below,
 * at and just above each midpoint between neighbours (the ties) rounds as the reference says; so do a million random
 * floats, subnormals and the overflow boundary.
 */
class HalfFloatsTest {

    // ---- reference: nearest representable value by exhaustive neighbour comparison --------------------------------

    /** The finite non-negative values of a 16-bit type, by bit pattern 0..0x7BFF / 0x7F7F, ascending. */
    private static double[] positives(DType t) {
        int last = t == DType.FLOAT16 ? 0x7BFF : 0x7F7F;
        double[] v = new double[last + 1];
        for (int h = 0; h <= last; h++) v[h] = HalfFloats.decode(t, (short) h);
        for (int h = 1; h <= last; h++) assertTrue(v[h] > v[h - 1], "patterns ascend");
        return v;
    }

    private static final double[] BF16 = positives(DType.BFLOAT16), FP16 = positives(DType.FLOAT16);

    private static short reference(DType t, float f) {
        if (Float.isNaN(f)) throw new IllegalArgumentException("no reference for NaN");
        double[] v = t == DType.FLOAT16 ? FP16 : BF16;
        double a = Math.abs((double) f);
        int sign = f < 0 || (f == 0 && 1 / f < 0) ? 0x8000 : 0;
        int last = v.length - 1;
        // The value past the largest finite one, as an unbounded exponent would have it: largest + one ulp.
        double beyond = v[last] + (v[last] - v[last - 1]);
        int lo = java.util.Arrays.binarySearch(v, a);
        if (lo >= 0) return (short) (sign | lo);
        lo = -lo - 2; // v[lo] < a < v[lo + 1] (or beyond)
        double loV = v[lo], hiV = lo == last ? beyond : v[lo + 1];
        double dLo = a - loV, dHi = hiV - a;
        int pick = dLo < dHi ? lo : dHi < dLo ? lo + 1 : (lo % 2 == 0 ? lo : lo + 1);
        int infinity = t == DType.FLOAT16 ? 0x7C00 : 0x7F80;
        return (short) (sign | (pick > last ? infinity : pick));
    }

    private static void check(DType t, float f) {
        short expected = reference(t, f), actual = HalfFloats.encode(t, f);
        if (expected != actual) {
            fail(t + " of " + f + " (0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + "): expected 0x"
                    + Integer.toHexString(expected & 0xFFFF) + ", got 0x" + Integer.toHexString(actual & 0xFFFF));
        }
    }

    // ---- the tests --------------------------------------------------------------------------------------------------

    @Test
    void everyBitPatternRoundTrips() {
        for (DType t : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
            int nans = 0;
            for (int h = 0; h < 0x10000; h++) {
                float f = HalfFloats.decode(t, (short) h);
                short back = HalfFloats.encode(t, f);
                if (Float.isNaN(f)) {
                    nans++;
                    assertTrue(Float.isNaN(HalfFloats.decode(t, back)), t + " NaN 0x" + Integer.toHexString(h) + " stays NaN");
                    assertEquals(h & 0x8000, back & 0x8000, "NaN keeps its sign");
                } else {
                    assertEquals((short) h, back, t + " pattern 0x" + Integer.toHexString(h));
                    assertEquals(f, HalfFloats.quantize(t, f), "a representable value quantizes to itself");
                }
            }
            assertEquals(t == DType.FLOAT16 ? 2 * 1023 : 2 * 127, nans, t + " NaN patterns");
        }
    }

    @Test
    void tiesAndTheirNeighboursRoundToNearestEven() {
        for (DType t : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
            double[] v = t == DType.FLOAT16 ? FP16 : BF16;
            for (int h = 0; h + 1 < v.length; h++) {
                float mid = (float) ((v[h] + v[h + 1]) / 2); // exact: every midpoint is a float
                assertEquals((v[h] + v[h + 1]) / 2, mid, 0.0, "midpoint representable");
                for (float f : new float[] {mid, Math.nextDown(mid), Math.nextUp(mid), -mid, -Math.nextUp(mid)}) check(t, f);
            }
        }
        // Spot values: 1 + 2^-8 lies halfway between bfloat16's 1 and 1 + 2^-7, and goes down to the even 1.
        assertEquals(1f, HalfFloats.quantize(DType.BFLOAT16, 1f + 0x1p-8f));
        assertEquals(1f + 0x1p-6f, HalfFloats.quantize(DType.BFLOAT16, 1f + 3 * 0x1p-8f));
        assertEquals(1f, HalfFloats.quantize(DType.FLOAT16, 1f + 0x1p-11f));
        assertEquals(1f + 0x1p-9f, HalfFloats.quantize(DType.FLOAT16, 1f + 3 * 0x1p-11f));
    }

    @Test
    void subnormalsOverflowAndSpecials() {
        // float16 subnormals: the smallest is 2^-24; half of it is a tie that goes to (even) zero, 1.5x of it up to 2x.
        assertEquals(0x1p-24f, HalfFloats.quantize(DType.FLOAT16, 0x1p-24f));
        assertEquals(0f, HalfFloats.quantize(DType.FLOAT16, 0x1p-25f));
        assertEquals(0x1p-23f, HalfFloats.quantize(DType.FLOAT16, 1.5f * 0x1p-24f));
        check(DType.FLOAT16, 3e-6f);
        // bfloat16 has float32's range: float32 subnormals keep their top bits.
        check(DType.BFLOAT16, Float.MIN_VALUE);
        check(DType.BFLOAT16, 1e-40f);
        assertEquals(Float.MIN_NORMAL, HalfFloats.quantize(DType.BFLOAT16, Float.MIN_NORMAL));
        // float16 overflow: 65504 is the largest; 65520 (halfway to 65536) ties to the even pattern, infinity.
        assertEquals(65504f, HalfFloats.quantize(DType.FLOAT16, 65519.99f));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.quantize(DType.FLOAT16, 65520f));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.quantize(DType.FLOAT16, -1e6f));
        // bfloat16 overflows only past float32's own largest values.
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.quantize(DType.BFLOAT16, Float.MAX_VALUE));
        assertEquals(0x1.FEp127f, HalfFloats.quantize(DType.BFLOAT16, 0x1.FEFFFEp127f));
        for (DType t : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
            assertEquals(Float.POSITIVE_INFINITY, HalfFloats.quantize(t, Float.POSITIVE_INFINITY));
            assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.quantize(t, Float.NEGATIVE_INFINITY));
            assertTrue(Float.isNaN(HalfFloats.quantize(t, Float.NaN)));
            assertTrue(Float.isNaN(HalfFloats.quantize(t, Float.intBitsToFloat(0x7F800001))), "a signalling NaN stays NaN");
            assertEquals(0x8000, HalfFloats.encode(t, -0f) & 0xFFFF, "negative zero keeps its sign");
            assertTrue(HalfFloats.encode(t, Float.intBitsToFloat(0xFFC00000)) < 0, "a negative NaN keeps its sign");
        }
    }

    @Test
    void randomFloatsMatchTheReference() {
        SplittableRandom r = new SplittableRandom(13);
        for (int i = 0; i < 1_000_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(f)) continue;
            check(DType.BFLOAT16, f);
            check(DType.FLOAT16, f);
        }
    }

    @Test
    void float32IsUnchangedAndOtherTypesAreRefused() {
        assertEquals(0.1f, HalfFloats.quantize(DType.FLOAT32, 0.1f));
        assertThrows(IllegalArgumentException.class, () -> HalfFloats.quantize(DType.INT32, 1f));
        assertThrows(IllegalArgumentException.class, () -> HalfFloats.encode(DType.FLOAT32, 1f));
        float[] q = HalfFloats.quantize(DType.BFLOAT16, new float[] {0.1f, 3f});
        assertArrayEquals(new float[] {HalfFloats.quantize(DType.BFLOAT16, 0.1f), 3f}, q);
    }
}
