package dev.jdnn.ops.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM, {@code C = alpha * op(A) * op(B) + beta * C}, row-major with leading dimensions, in the
 * GotoBLAS/BLIS structure:
 * <ul>
 *   <li>cache tiling: C is computed in NC-column, KC-deep, MC-row blocks. The packed B block (KC x NC) stays in L2;
 *       the innermost loop walks micro-tiles along a row of C (one A micro-panel, in L1, against every B
 *       micro-panel), so C is read and written in address order, which the hardware prefetcher streams. (Walking
 *       down a column of C instead, as GotoBLAS does, measured ~10% slower at 1024^3 here, most likely because
 *       with a power-of-two leading dimension the C rows of a column walk share cache sets, and Java has no
 *       prefetch instruction to hide those misses.)</li>
 *   <li>packing: the A and B blocks are copied (A scaled by alpha) into thread-local buffers laid out exactly in the
 *       order the micro-kernel reads them, zero-padded to full micro-tiles, reused from call to call;</li>
 *   <li>register blocking: an {@link #MR} x {@link #NR} micro-kernel keeps 2*MR independent vector accumulators and
 *       does nothing but broadcast-A, load-B, FMA;</li>
 *   <li>threads: the problem is split along N (or M when M is the larger side) into one contiguous slab per
 *       {@link Parallel} worker; each worker packs only what it needs, so no barrier is needed between packing and
 *       compute. Called from inside a pool task (e.g. a convolution already parallel over samples) it runs serially.</li>
 * </ul>
 * {@code beta == 0} overwrites C without reading it (NaN in C is ignored), as BLAS does.
 */
public final class CpuGemm {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** Micro-tile rows (broadcast A values per k). */
    static final int MR = 4;
    /** Micro-tile columns: two vectors. */
    static final int NR = 2 * L;
    /** Depth of one packed block: one A micro-panel (MR x KC floats, 4 KiB) stays in L1 while it sweeps the B block. */
    private static final int KC = 256;
    /** Rows of one packed A block (multiple of MR). */
    private static final int MC = 256;
    /** Columns of one packed B block (multiple of NR): KC x NC floats (384 KiB on AVX2) stay in L2. */
    private static final int NC = 24 * NR;
    /** Below this many multiply-adds a problem runs on the calling thread: fan-out would cost more than it saves. */
    private static final long PARALLEL_MIN_MACS = 1L << 18;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** Per-thread packing buffers, grown on demand and then reused. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private CpuGemm() {}

    /** One operand: a row-major matrix in a segment, {@code ld} elements between rows, read transposed or not. */
    private record Operand(MemorySegment seg, long offset, long ld, boolean trans) {
        /** Element (row, col) of op(this), as an index into seg in floats. */
        long index(long row, long col) {
            return trans ? offset + col * ld + row : offset + row * ld + col;
        }

        /** The operand starting at row {@code r} of op(this). */
        Operand fromRow(long r) {
            return new Operand(seg, index(r, 0), ld, trans);
        }

        /** The operand starting at column {@code c} of op(this). */
        Operand fromCol(long c) {
            return new Operand(seg, index(0, c), ld, trans);
        }
    }

    private static final class Scratch {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] a(int size) {
            if (a.length < size) a = new float[size];
            return a;
        }

        float[] b(int size) {
            if (b.length < size) b = new float[size];
            return b;
        }
    }

    /** {@code C = alpha * op(A) * op(B) + beta * C} on float arrays; offsets and leading dimensions in elements. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                             float beta, float[] c, int cOffset, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, MemorySegment.ofArray(a), aOffset, lda, MemorySegment.ofArray(b), bOffset, ldb,
                beta, MemorySegment.ofArray(c), cOffset, ldc);
    }

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} on float32 memory; op(A) is m x k, op(B) is k x n, C is m x n.
     * Offsets and leading dimensions are in elements; a transposed operand is stored as its transpose, row-major.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, long aOffset, long lda, MemorySegment b, long bOffset, long ldb,
                             float beta, MemorySegment c, long cOffset, long ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        checkOperand("A", a, aOffset, lda, transA ? k : m, transA ? m : k);
        checkOperand("B", b, bOffset, ldb, transB ? n : k, transB ? k : n);
        checkOperand("C", c, cOffset, ldc, m, n);
        if (m == 0 || n == 0) return;
        Operand opA = new Operand(a, aOffset, lda, transA), opB = new Operand(b, bOffset, ldb, transB);
        Operand opC = new Operand(c, cOffset, ldc, false);
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, opC);
            return;
        }
        long macs = (long) m * n * k;
        int threads = Parallel.threads();
        if (threads == 1 || macs < PARALLEL_MIN_MACS) {
            blocked(m, n, k, alpha, opA, opB, beta, opC);
        } else if (n >= m) {
            // Split N into one slab of whole micro-panels per worker: each packs all of A (the smaller side) and
            // only its own columns of B.
            Parallel.forRange(ceilDiv(n, NR), (from, to) -> {
                int j0 = from * NR, j1 = Math.min(n, to * NR);
                blocked(m, j1 - j0, k, alpha, opA, opB.fromCol(j0), beta, opC.fromCol(j0));
            });
        } else {
            Parallel.forRange(ceilDiv(m, MR), (from, to) -> {
                int i0 = from * MR, i1 = Math.min(m, to * MR);
                blocked(i1 - i0, n, k, alpha, opA.fromRow(i0), opB, beta, opC.fromRow(i0));
            });
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static void checkOperand(String name, MemorySegment seg, long offset, long ld, int rows, int cols) {
        if (offset < 0) throw new IllegalArgumentException("sgemm: negative offset " + offset + " for " + name);
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: leading dimension of " + name + " is " + ld + ", must be >= " + Math.max(1, cols) + " (stored as " + rows + " x " + cols + ")");
        }
        if (rows == 0 || cols == 0) return;
        long lastIndex = offset + (rows - 1) * ld + cols - 1;
        if ((lastIndex + 1) * Float.BYTES > seg.byteSize()) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + " x " + cols + ", ld " + ld + ", offset " + offset
                    + ") needs " + (lastIndex + 1) + " floats but its memory holds " + seg.byteSize() / Float.BYTES);
        }
    }

    /** C = beta * C (beta == 0 writes zeros without reading). */
    private static void scale(int m, int n, float beta, Operand c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long e = c.index(i, j);
                c.seg.setAtIndex(F32, e, beta == 0f ? 0f : beta * c.seg.getAtIndex(F32, e));
            }
        }
    }

    /** The serial GotoBLAS loop nest over one slab of C. */
    private static void blocked(int m, int n, int k, float alpha, Operand a, Operand b, float beta, Operand c) {
        Scratch s = SCRATCH.get();
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int ncPanels = ceilDiv(nc, NR);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float effBeta = pc == 0 ? beta : 1f; // later K blocks accumulate onto the first one's result
                float[] bPack = s.b(ncPanels * NR * kc);
                packB(b, pc, jc, kc, nc, bPack);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    float[] aPack = s.a(ceilDiv(mc, MR) * MR * kc);
                    packA(a, ic, pc, mc, kc, alpha, aPack);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            kernel(kc, aPack, (ir / MR) * MR * kc, bPack, (jr / NR) * NR * kc, s.tile);
                            storeTile(s.tile, c, ic + ir, jc + jr, mr, nr, effBeta);
                        }
                    }
                }
            }
        }
    }

    /** Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] * alpha into MR-row panels: panel q holds, for each p, MR values. */
    private static void packA(Operand a, int i0, int p0, int mc, int kc, float alpha, float[] dst) {
        MemorySegment seg = a.seg;
        for (int q = 0; q * MR < mc; q++) {
            int base = q * MR * kc;
            int rows = Math.min(MR, mc - q * MR);
            for (int r = 0; r < MR; r++) {
                if (r >= rows) {
                    for (int p = 0; p < kc; p++) dst[base + p * MR + r] = 0f;
                    continue;
                }
                long row = i0 + q * MR + r;
                if (a.trans) {
                    long e = a.index(row, p0);
                    for (int p = 0; p < kc; p++, e += a.ld) dst[base + p * MR + r] = alpha * seg.getAtIndex(F32, e);
                } else {
                    long e = a.index(row, p0);
                    for (int p = 0; p < kc; p++, e++) dst[base + p * MR + r] = alpha * seg.getAtIndex(F32, e);
                }
            }
        }
    }

    /** Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into NR-column panels: panel q holds, for each p, NR values. */
    private static void packB(Operand b, int p0, int j0, int kc, int nc, float[] dst) {
        MemorySegment seg = b.seg;
        for (int q = 0; q * NR < nc; q++) {
            int base = q * NR * kc;
            int cols = Math.min(NR, nc - q * NR);
            long col0 = j0 + (long) q * NR;
            if (!b.trans && cols == NR) {
                // Rows of a full panel are contiguous in B: copy them a vector at a time.
                for (int p = 0; p < kc; p++) {
                    long byteOff = b.index(p0 + p, col0) * Float.BYTES;
                    for (int v = 0; v < NR; v += L) {
                        FloatVector.fromMemorySegment(SPECIES, seg, byteOff + (long) v * Float.BYTES, NATIVE).intoArray(dst, base + p * NR + v);
                    }
                }
                continue;
            }
            for (int j = 0; j < NR; j++) {
                if (j >= cols) {
                    for (int p = 0; p < kc; p++) dst[base + p * NR + j] = 0f;
                    continue;
                }
                for (int p = 0; p < kc; p++) dst[base + p * NR + j] = seg.getAtIndex(F32, b.index(p0 + p, col0 + j));
            }
        }
    }

    /**
     * The MR x NR micro-kernel: tile = A-panel(MR x kc) * B-panel(kc x NR). Eight independent accumulators (two
     * vectors per row) cover the FMA latency x throughput product; per k it loads two B vectors and broadcasts four A
     * values. Why not the classic 6x16: C2 hoists all of an iteration's loads before its FMAs, so 12 accumulators +
     * 2 B vectors + 6 broadcasts exceed the 16 AVX2 registers and one accumulator gets spilled to the stack, which
     * serialises the loop through store-forwarding (measured ~40% slower). 4 x 16 needs 14 registers.
     */
    private static void kernel(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        int ai = aOff, bi = bOff;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
    }

    /** C[i0.., j0..] (mr x nr) = tile + beta * C; beta == 0 overwrites, beta == 1 adds. */
    private static void storeTile(float[] tile, Operand c, int i0, int j0, int mr, int nr, float beta) {
        MemorySegment seg = c.seg;
        for (int r = 0; r < mr; r++) {
            long e = c.index(i0 + r, j0);
            int t = r * NR;
            int j = 0;
            for (; j + L <= nr; j += L) {
                long byteOff = (e + j) * Float.BYTES;
                FloatVector v = FloatVector.fromArray(SPECIES, tile, t + j);
                if (beta == 1f) v = v.add(FloatVector.fromMemorySegment(SPECIES, seg, byteOff, NATIVE));
                else if (beta != 0f) v = FloatVector.fromMemorySegment(SPECIES, seg, byteOff, NATIVE).fma(FloatVector.broadcast(SPECIES, beta), v);
                v.intoMemorySegment(seg, byteOff, NATIVE);
            }
            for (; j < nr; j++) {
                float v = tile[t + j];
                if (beta != 0f) v += beta * seg.getAtIndex(F32, e + j);
                seg.setAtIndex(F32, e + j, v);
            }
        }
    }
}
