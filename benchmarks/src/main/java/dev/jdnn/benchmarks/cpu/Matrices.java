package dev.jdnn.benchmarks.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/** Square float32 matrices in 64-byte aligned native memory, the operands of the sgemm benchmarks. */
final class Matrices implements AutoCloseable {
    final int n;
    final MemorySegment a, b, c;
    private final Arena arena = Arena.ofShared();

    Matrices(int n) {
        this.n = n;
        long bytes = (long) n * n * Float.BYTES;
        a = random(arena.allocate(bytes, 64), 1);
        b = random(arena.allocate(bytes, 64), 2);
        c = arena.allocate(bytes, 64);
    }

    private static MemorySegment random(MemorySegment s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < s.byteSize() / Float.BYTES; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
        return s;
    }

    long flops() {
        return 2L * n * n * n;
    }

    @Override
    public void close() {
        arena.close();
    }
}
