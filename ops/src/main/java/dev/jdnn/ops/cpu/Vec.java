package dev.jdnn.ops.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Vectorised kernels over contiguous float runs in host memory, addressed as (segment, element offset). Reductions
 * accumulate blocks of {@link #BLOCK} floats in vector lanes and add each block's total to a double, which keeps
 * statistics over millions of elements accurate without the cost of double-precision lanes. The elementwise kernels'
 * scalar tails repeat the lanes' arithmetic exactly (the same fused multiply-adds, in the same order), so an element's
 * result does not depend on whether it falls in a vector or in a run's tail — on how a tensor is cut into runs, which
 * differs between a contiguous tensor, a batch-strided view and a channels-last one.
 */
final class Vec {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int BLOCK = 256;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Vec() {}

    static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(S, s, i * 4, ORDER);
    }

    static void store(FloatVector v, MemorySegment s, long i) {
        v.intoMemorySegment(s, i * 4, ORDER);
    }

    /** Masked load: lanes outside the mask read nothing (a run's tail); a null mask loads a full vector. */
    static FloatVector load(MemorySegment s, long i, VectorMask<Float> m) {
        return m == null ? load(s, i) : FloatVector.fromMemorySegment(S, s, i * 4, ORDER, m);
    }

    static void store(FloatVector v, MemorySegment s, long i, VectorMask<Float> m) {
        if (m == null) store(v, s, i);
        else v.intoMemorySegment(s, i * 4, ORDER, m);
    }

    /** Heap-array versions of the masked load/store (scratch arrays). */
    static FloatVector load(float[] a, int i, VectorMask<Float> m) {
        return m == null ? FloatVector.fromArray(S, a, i) : FloatVector.fromArray(S, a, i, m);
    }

    static void store(FloatVector v, float[] a, int i, VectorMask<Float> m) {
        if (m == null) v.intoArray(a, i);
        else v.intoArray(a, i, m);
    }

    /**
     * The mask for the vector starting at i of a run of n: null (full) except for the tail. Only for loops whose body
     * is self-contained (no vector crosses a call that might not be inlined): where masked and unmasked loads meet,
     * C2 may box the vectors — the optimizers and activations therefore use unmasked loops plus a separate tail.
     */
    static VectorMask<Float> tail(int i, int n) {
        return i + L <= n ? null : S.indexInRange(i, n);
    }

    static float get(MemorySegment s, long i) {
        return s.getAtIndex(F, i);
    }

    static void set(MemorySegment s, long i, float v) {
        s.setAtIndex(F, i, v);
    }

    static void fill(MemorySegment y, long yo, int n, float value) {
        FloatVector v = FloatVector.broadcast(S, value);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) store(v, y, yo + i);
        for (; i < n; i++) set(y, yo + i, value);
    }

    /** y = a*x + b + beta*y; with beta == 0 the old y is never read (it may hold NaN). x may be y. */
    static void affine(MemorySegment x, long xo, float a, float b, float beta, MemorySegment y, long yo, int n) {
        FloatVector va = FloatVector.broadcast(S, a), vb = FloatVector.broadcast(S, b);
        int i = 0, up = S.loopBound(n);
        if (beta == 0f) {
            for (; i < up; i += L) store(load(x, xo + i).fma(va, vb), y, yo + i);
            for (; i < n; i++) set(y, yo + i, Math.fma(get(x, xo + i), a, b));
        } else {
            FloatVector vbeta = FloatVector.broadcast(S, beta);
            for (; i < up; i += L) store(load(x, xo + i).fma(va, load(y, yo + i).fma(vbeta, vb)), y, yo + i);
            for (; i < n; i++) set(y, yo + i, Math.fma(get(x, xo + i), a, Math.fma(get(y, yo + i), beta, b)));
        }
    }

    /** y = (x - center)*a + b: normalisation with the centring done before scaling, exact for |mean| >> std. */
    static void normalise(MemorySegment x, long xo, float center, float a, float b, MemorySegment y, long yo, int n) {
        FloatVector vc = FloatVector.broadcast(S, center), va = FloatVector.broadcast(S, a), vb = FloatVector.broadcast(S, b);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) store(load(x, xo + i).sub(vc).fma(va, vb), y, yo + i);
        for (; i < n; i++) set(y, yo + i, Math.fma(get(x, xo + i) - center, a, b));
    }

    /** y = a*u + b*(v - center) + k + beta*y, elementwise; beta == 0 never reads y. y may alias u or v. */
    static void combine(float a, MemorySegment u, long uo, float b, MemorySegment v, long vo, float center, float k, float beta,
                        MemorySegment y, long yo, int n) {
        FloatVector va = FloatVector.broadcast(S, a), vb = FloatVector.broadcast(S, b), vk = FloatVector.broadcast(S, k);
        FloatVector vc = FloatVector.broadcast(S, center);
        int i = 0, up = S.loopBound(n);
        if (beta == 0f) {
            for (; i < up; i += L) store(load(u, uo + i).fma(va, load(v, vo + i).sub(vc).fma(vb, vk)), y, yo + i);
            for (; i < n; i++) set(y, yo + i, Math.fma(get(u, uo + i), a, Math.fma(get(v, vo + i) - center, b, k)));
        } else {
            FloatVector vbeta = FloatVector.broadcast(S, beta);
            for (; i < up; i += L) {
                FloatVector rest = load(y, yo + i).fma(vbeta, load(v, vo + i).sub(vc).fma(vb, vk));
                store(load(u, uo + i).fma(va, rest), y, yo + i);
            }
            for (; i < n; i++) {
                float rest = Math.fma(get(y, yo + i), beta, Math.fma(get(v, vo + i) - center, b, k));
                set(y, yo + i, Math.fma(get(u, uo + i), a, rest));
            }
        }
    }

    /** c = a + b; c may alias a or b. */
    static void add(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment c, long co, int n) {
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) store(load(a, ao + i).add(load(b, bo + i)), c, co + i);
        for (; i < n; i++) set(c, co + i, get(a, ao + i) + get(b, bo + i));
    }

    /**
     * The lanes' total, added in lane order in double. Not {@code reduceLanes(ADD)}: its summation order is
     * unspecified, and in practice C2's intrinsic reassociates where the interpreter and C1 add in lane order, so a
     * reduction's last bits would depend on how far the JIT had got, and seeded training would not be reproducible
     * within one JVM. {@code lanes} is the caller's scratch of {@link #L} floats.
     */
    static double laneTotal(FloatVector acc, float[] lanes) {
        acc.intoArray(lanes, 0);
        double total = 0;
        for (int k = 0; k < L; k++) total += lanes[k];
        return total;
    }

    /** Sum of x. */
    static double sum(MemorySegment x, long xo, int n) {
        double total = 0;
        float[] lanes = new float[L];
        int i = 0, up = S.loopBound(n);
        while (i < up) {
            FloatVector acc = FloatVector.zero(S);
            for (int end = Math.min(up, i + BLOCK); i < end; i += L) acc = acc.add(load(x, xo + i));
            total += laneTotal(acc, lanes);
        }
        for (; i < n; i++) total += get(x, xo + i);
        return total;
    }

    /** Sum of a heap array range (same blocking as the segment version). */
    static double sum(float[] x, int from, int n) {
        double total = 0;
        float[] lanes = new float[L];
        int i = 0, up = S.loopBound(n);
        while (i < up) {
            FloatVector acc = FloatVector.zero(S);
            for (int end = Math.min(up, i + BLOCK); i < end; i += L) acc = acc.add(FloatVector.fromArray(S, x, from + i));
            total += laneTotal(acc, lanes);
        }
        for (; i < n; i++) total += x[from + i];
        return total;
    }

    /** Sum of (x - center)². */
    static double sumSquaredDeviations(MemorySegment x, long xo, int n, float center) {
        double total = 0;
        float[] lanes = new float[L];
        FloatVector c = FloatVector.broadcast(S, center);
        int i = 0, up = S.loopBound(n);
        while (i < up) {
            FloatVector acc = FloatVector.zero(S);
            for (int end = Math.min(up, i + BLOCK); i < end; i += L) {
                FloatVector d = load(x, xo + i).sub(c);
                acc = d.fma(d, acc);
            }
            total += laneTotal(acc, lanes);
        }
        for (; i < n; i++) {
            double d = get(x, xo + i) - center;
            total += d * d;
        }
        return total;
    }

    /** Sum of a * (b - center). */
    static double dotCentered(MemorySegment a, long ao, MemorySegment b, long bo, int n, float center) {
        double total = 0;
        float[] lanes = new float[L];
        FloatVector c = FloatVector.broadcast(S, center);
        int i = 0, up = S.loopBound(n);
        while (i < up) {
            FloatVector acc = FloatVector.zero(S);
            for (int end = Math.min(up, i + BLOCK); i < end; i += L) acc = load(a, ao + i).fma(load(b, bo + i).sub(c), acc);
            total += laneTotal(acc, lanes);
        }
        for (; i < n; i++) total += (double) get(a, ao + i) * (get(b, bo + i) - center);
        return total;
    }
}
