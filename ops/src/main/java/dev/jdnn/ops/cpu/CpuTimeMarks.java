package dev.jdnn.ops.cpu;

import dev.jdnn.ops.TimeMarks;

/** CPU time marks: the monotonic clock when each is recorded (CPU ops have finished by the time a call returns). */
final class CpuTimeMarks extends TimeMarks {
    private final long[] nanos;

    CpuTimeMarks(int count) {
        super(count);
        nanos = new long[count];
    }

    @Override
    protected void recordNow(int mark) {
        nanos[mark] = System.nanoTime();
    }

    @Override
    protected double elapsed(int from, int to) {
        return (nanos[to] - nanos[from]) / 1e6;
    }

    @Override
    protected void release() {}
}
