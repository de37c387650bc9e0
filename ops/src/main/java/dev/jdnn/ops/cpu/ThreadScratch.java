package dev.jdnn.ops.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread scratch memory for the convolution and linear kernels (im2col columns, partial filter gradients),
 * grown on demand and then reused, so steady-state calls allocate nothing. Each slot is an independent buffer;
 * a thread may hold several at once as long as they use different slots.
 */
final class ThreadScratch {
    /** im2col / col2im columns of one sample and group. */
    static final int COLUMNS = 0;
    /** Per-chunk partial sums owned by the thread that fans out (e.g. filter gradients). */
    static final int PARTIALS = 1;
    private static final int SLOTS = 2;

    /** Heap planes for the direct (depthwise) kernels, where C2 auto-vectorises plain array loops best. */
    static final int PLANE_A = 0, PLANE_B = 1, PLANE_C = 2;
    private static final int ARRAY_SLOTS = 3;

    private static final ThreadLocal<float[][]> ARRAYS = ThreadLocal.withInitial(() -> new float[ARRAY_SLOTS][0]);
    private static final ThreadLocal<MemorySegment[]> SEGMENTS = ThreadLocal.withInitial(() -> new MemorySegment[SLOTS]);

    private ThreadScratch() {}

    /** At least {@code floats} floats of 64-byte aligned native memory; contents undefined. */
    static MemorySegment floats(int slot, long floats) {
        MemorySegment[] mine = SEGMENTS.get();
        MemorySegment s = mine[slot];
        long bytes = floats * Float.BYTES;
        if (s == null || s.byteSize() < bytes) {
            // The automatic arena frees the old buffer once it is unreachable.
            s = Arena.ofAuto().allocate(Math.max(bytes, 64), 64);
            mine[slot] = s;
        }
        return s;
    }

    /** A float array of at least {@code length} elements; contents undefined. */
    static float[] array(int slot, int length) {
        float[][] mine = ARRAYS.get();
        if (mine[slot].length < length) mine[slot] = new float[length];
        return mine[slot];
    }
}
