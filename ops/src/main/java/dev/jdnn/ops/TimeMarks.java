package dev.jdnn.ops;

/**
 * A fixed set of reusable marks in a backend's order of work, for measuring how long spans of that work take on the
 * device ({@link Backend#timeMarks}): record mark {@code a}, issue work, record mark {@code b}, and later
 * {@link #millis millis(a, b)} is the device time the work took. The per-op profile surrounds every node call with
 * two marks.
 *
 * <p>On CUDA a mark is a timing event recorded on the backend's stream: recording is asynchronous, so marks can
 * surround every op without holding the GPU up, and a span is the GPU time between the two events (which includes
 * any time the GPU waited for the host to issue the work in between). On the CPU a mark is the clock when it is
 * recorded: CPU ops run synchronously on the calling thread (and the pool it waits for).
 *
 * <p>Not for use inside {@link Backend#capture}: a mark is a point in eager work. A mark may be recorded again
 * (the next step of a profile); {@link #millis} reads each mark's latest recording.
 */
public abstract class TimeMarks implements AutoCloseable {
    private final boolean[] recorded;
    private boolean closed;

    protected TimeMarks(int count) {
        if (count < 1) throw new IllegalArgumentException("time marks: count must be >= 1, got " + count);
        recorded = new boolean[count];
    }

    public final int count() {
        return recorded.length;
    }

    /** Records mark {@code mark} at this point of the work issued so far. */
    public final void record(int mark) {
        check(mark);
        recordNow(mark);
        recorded[mark] = true;
    }

    /**
     * Device milliseconds from mark {@code from} to mark {@code to}, both recorded ({@code to} after {@code from});
     * waits until the work before {@code to} is done.
     */
    public final double millis(int from, int to) {
        for (int m : new int[]{from, to}) {
            check(m);
            if (!recorded[m]) throw new IllegalStateException("time mark " + m + " was never recorded");
        }
        return elapsed(from, to);
    }

    /** Frees the marks (CUDA events); idempotent. */
    @Override
    public final void close() {
        if (closed) return;
        closed = true;
        release();
    }

    private void check(int mark) {
        if (closed) throw new IllegalStateException("time marks already closed");
        if (mark < 0 || mark >= recorded.length) throw new IndexOutOfBoundsException("time mark " + mark + " of " + recorded.length);
    }

    protected abstract void recordNow(int mark);

    protected abstract double elapsed(int from, int to);

    protected abstract void release();
}
