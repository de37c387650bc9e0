package dev.jdnn.ops.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * The CPU backend's one fixed thread pool (no per-call thread creation). {@link #forRange} splits [0, n) into
 * contiguous chunks, one task per worker, and runs them to completion before returning.
 * Size: {@code -Djdnn.cpu.threads=N}, default all available processors.
 */
public final class Parallel {
    private static final int THREADS = Integer.getInteger("jdnn.cpu.threads", Runtime.getRuntime().availableProcessors());
    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS);

    private Parallel() {}

    public static int threads() {
        return THREADS;
    }

    /** Calls body.accept(i) for every i in [0, n), in parallel when n and the work per item are worth it. */
    public static void forEach(int n, IntConsumer body) {
        forRange(n, (from, to) -> {
            for (int i = from; i < to; i++) body.accept(i);
        });
    }

    /** Calls body.run(from, to) on disjoint chunks covering [0, n). */
    public static void forRange(int n, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(n, THREADS);
        // Already inside a parallel region (a pool worker, or the caller thread helping while it waits): run inline.
        // No nested fan-out, and thread-local scratch buffers (CpuGemm's packing) are never used by two tasks at once.
        if (chunks == 1 || java.util.concurrent.ForkJoinTask.getPool() == POOL || IN_REGION.get()[0] > 0) {
            body.run(0, n);
            return;
        }
        int[] depth = IN_REGION.get();
        depth[0]++;
        try {
            POOL.invoke(new Chunks(body, n, 0, chunks));
        } finally {
            depth[0]--;
        }
    }

    /** Nesting depth of forRange on the calling (non-pool) thread. */
    private static final ThreadLocal<int[]> IN_REGION = ThreadLocal.withInitial(() -> new int[1]);

    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static final class Chunks extends RecursiveAction {
        private final RangeBody body;
        private final int n, lo, hi; // chunk indices [lo, hi) of `chunks` total

        Chunks(RangeBody body, int n, int lo, int hi) {
            this.body = body; this.n = n; this.lo = lo; this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                int total = chunksFor(n);
                body.run((int) ((long) n * lo / total), (int) ((long) n * (lo + 1) / total));
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunks(body, n, lo, mid), new Chunks(body, n, mid, hi));
        }
    }

    private static int chunksFor(int n) {
        return Math.min(n, THREADS);
    }
}
