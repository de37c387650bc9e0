package dev.jdnn.ops.cpu;

/**
 * Splits "rows x len" elementwise work into parallel tasks on {@link Parallel}'s pool: whole rows when there are
 * enough of them, otherwise pieces of rows (cut at vector boundaries), and no fan-out at all for small work where
 * waking threads costs more than the loop.
 */
final class Runs {
    /** Below this many elements an elementwise op runs on the calling thread. */
    static final long MIN_PARALLEL = 1 << 15;
    /** Target piece size when rows have to be cut. */
    private static final int GRAIN = 1 << 14;

    private Runs() {}

    @FunctionalInterface
    interface Body {
        void run(int row, int from, int to);
    }

    static void forEach(int rows, int len, Body body) {
        long total = (long) rows * len;
        if (total < MIN_PARALLEL || Parallel.threads() == 1) {
            for (int r = 0; r < rows; r++) body.run(r, 0, len);
            return;
        }
        int pieces = rows >= 2 * Parallel.threads() ? 1 : Math.max(1, Math.min(len / GRAIN, 4 * Parallel.threads()));
        Parallel.forRange(rows * pieces, (a, b) -> {
            for (int t = a; t < b; t++) {
                int r = t / pieces, p = t % pieces;
                int from = cut(len, p, pieces), to = cut(len, p + 1, pieces);
                if (from < to) body.run(r, from, to);
            }
        });
    }

    /** Start of piece p of `pieces` over [0, len), rounded down to a multiple of the vector length. */
    private static int cut(int len, int p, int pieces) {
        if (p >= pieces) return len;
        int c = (int) ((long) len * p / pieces);
        return c - c % Vec.L;
    }

    /** Parallel over independent items (planes, channels, samples) when the total work is worth it. */
    static void items(int n, long workPerItem, java.util.function.IntConsumer body) {
        if (n * workPerItem < MIN_PARALLEL || Parallel.threads() == 1) {
            for (int i = 0; i < n; i++) body.accept(i);
        } else {
            Parallel.forEach(n, body);
        }
    }
}
