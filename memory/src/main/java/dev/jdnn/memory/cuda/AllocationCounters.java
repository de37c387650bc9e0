package dev.jdnn.memory.cuda;

import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryStats;

import java.util.concurrent.atomic.AtomicLong;

/** Live/peak byte accounting shared by the CUDA allocators (bytes as requested, not as rounded by the driver). */
final class AllocationCounters {
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong liveBuffers = new AtomicLong();
    private final AtomicLong total = new AtomicLong();

    void allocated(long bytes) {
        long now = live.addAndGet(bytes);
        peak.accumulateAndGet(now, Math::max);
        liveBuffers.incrementAndGet();
        total.incrementAndGet();
    }

    void released(long bytes) {
        live.addAndGet(-bytes);
        liveBuffers.decrementAndGet();
    }

    long liveBytes() {
        return live.get();
    }

    MemoryStats stats(Device device) {
        return new MemoryStats(device, live.get(), peak.get(), liveBuffers.get(), total.get());
    }
}
