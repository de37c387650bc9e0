package dev.jdnn.ops.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread native scratch of a few vectors, for running a vector kernel over the last (fewer than one vector of)
 * elements of a run: copy the tails in, run the kernel over one full vector, copy the result out. That keeps a single
 * unmasked code path per kernel; mixing masked and unmasked vectors at one point of a loop makes C2 box them.
 */
final class TailScratch {
    static final int SLOTS = 4;
    private static final ThreadLocal<MemorySegment[]> SLOTS_OF_THREAD = ThreadLocal.withInitial(() -> {
        MemorySegment[] s = new MemorySegment[SLOTS];
        for (int i = 0; i < SLOTS; i++) s[i] = Arena.ofAuto().allocate(4L * Vec.L, 64);
        return s;
    });

    private TailScratch() {}

    /** This thread's slots, each one vector of floats (contents left from earlier use). */
    static MemorySegment[] get() {
        return SLOTS_OF_THREAD.get();
    }

    /** Copies n floats from (src, element offset) to the start of slot. */
    static void in(MemorySegment src, long offset, MemorySegment slot, int n) {
        MemorySegment.copy(src, 4 * offset, slot, 0, 4L * n);
    }

    /** Copies the first n floats of slot to (dst, element offset). */
    static void out(MemorySegment slot, MemorySegment dst, long offset, int n) {
        MemorySegment.copy(slot, 0, dst, 4 * offset, 4L * n);
    }
}
