package dev.jdnn.networks.graph.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Places buffers with known lifetimes in one arena so that buffers alive at the same time never overlap:
 * largest first, each into the best-fitting gap left by the already placed buffers whose lifetimes intersect its
 * own (the classic greedy-by-size offset assignment). Without sharing every buffer gets its own range (the naive
 * layout, used to measure the saving and as the reference for the poisoning test).
 */
public final class MemoryPlanner {
    /** Offsets are multiples of this, so every buffer starts suitably aligned for vector loads and cuDNN. */
    public static final long ALIGNMENT = 256;

    /** A buffer of {@code bytes} live from step {@code start} through step {@code end} (inclusive). */
    public record Request(long bytes, int start, int end) {
        boolean overlapsInTime(Request o) {
            return start <= o.end && o.start <= end;
        }
    }

    /** The chosen offsets (by request index) and the arena size they need. */
    public record Layout(long[] offsets, long size) {}

    private MemoryPlanner() {}

    public static long aligned(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    public static Layout naive(List<Request> requests) {
        long[] offsets = new long[requests.size()];
        long end = 0;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = end;
            end += aligned(requests.get(i).bytes());
        }
        return new Layout(offsets, end);
    }

    public static Layout shared(List<Request> requests) {
        int n = requests.size();
        long[] offsets = new long[n];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) order.add(i);
        order.sort(Comparator.<Integer>comparingLong(i -> -aligned(requests.get(i).bytes())).thenComparingInt(i -> requests.get(i).start()));
        List<Integer> placed = new ArrayList<>();
        long size = 0;
        for (int i : order) {
            Request r = requests.get(i);
            long need = aligned(r.bytes());
            List<Integer> conflicts = new ArrayList<>();
            for (int j : placed) if (requests.get(j).overlapsInTime(r)) conflicts.add(j);
            conflicts.sort(Comparator.comparingLong(j -> offsets[j]));
            long best = -1, bestGap = Long.MAX_VALUE, cursor = 0;
            for (int j : conflicts) {
                long gap = offsets[j] - cursor;
                if (gap >= need && gap < bestGap) {
                    best = cursor;
                    bestGap = gap;
                }
                cursor = Math.max(cursor, offsets[j] + aligned(requests.get(j).bytes()));
            }
            offsets[i] = best >= 0 ? best : cursor;
            size = Math.max(size, offsets[i] + need);
            placed.add(i);
        }
        return new Layout(offsets, size);
    }
}
