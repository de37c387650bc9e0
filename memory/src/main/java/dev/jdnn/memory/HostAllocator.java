package dev.jdnn.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Off-heap host memory. Each buffer owns a shared {@link Arena}, so freeing is deterministic and any access after
 * free fails with an exception instead of touching freed memory. The static graph allocates once per model, so
 * the cost of an arena per buffer is paid at compile time, not per step.
 */
public final class HostAllocator implements Allocator {
    /** Alignment of every host buffer: one cache line, and enough for any vector load. */
    public static final long ALIGNMENT = 64;

    private static final HostAllocator DEFAULT = new HostAllocator();

    private final AtomicLong live = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong liveBuffers = new AtomicLong();
    private final AtomicLong total = new AtomicLong();

    /** The process-wide host allocator the CPU backend uses. */
    public static HostAllocator global() {
        return DEFAULT;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Buffer allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation size " + bytes);
        Arena arena = Arena.ofShared();
        MemorySegment seg;
        try {
            seg = arena.allocate(Math.max(bytes, 1), ALIGNMENT);
        } catch (OutOfMemoryError e) {
            arena.close();
            throw new OutOfMemoryError("host allocation of %,d bytes failed (%,d bytes live in jdnn buffers)".formatted(bytes, live.get()));
        }
        seg = seg.asSlice(0, bytes);
        long now = live.addAndGet(bytes);
        peak.accumulateAndGet(now, Math::max);
        liveBuffers.incrementAndGet();
        total.incrementAndGet();
        return new Buffer(this, seg.address(), bytes, seg, arena);
    }

    @Override
    public void release(Buffer buffer) {
        ((Arena) buffer.allocatorState()).close();
        live.addAndGet(-buffer.byteSize());
        liveBuffers.decrementAndGet();
    }

    @Override
    public MemoryStats stats() {
        return new MemoryStats(Device.CPU, live.get(), peak.get(), liveBuffers.get(), total.get());
    }
}
