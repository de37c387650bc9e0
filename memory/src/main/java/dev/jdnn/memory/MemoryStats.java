package dev.jdnn.memory;

/**
 * A snapshot of one allocator's accounting. Bytes are what callers asked for, not what the driver rounded up to.
 * {@code workspaceBytes}: of the live bytes, those a backend holds as its one shared convolution workspace (0 where
 * there is none, e.g. on the CPU).
 */
public record MemoryStats(Device device, long liveBytes, long peakBytes, long liveBuffers, long totalAllocations, long workspaceBytes) {
    public MemoryStats(Device device, long liveBytes, long peakBytes, long liveBuffers, long totalAllocations) {
        this(device, liveBytes, peakBytes, liveBuffers, totalAllocations, 0);
    }

    /** These counts with the workspace's share stated. */
    public MemoryStats withWorkspace(long bytes) {
        return new MemoryStats(device, liveBytes, peakBytes, liveBuffers, totalAllocations, bytes);
    }

    @Override
    public String toString() {
        return "%s: %,d bytes live in %d buffers (peak %,d, %,d allocations)".formatted(device, liveBytes, liveBuffers, peakBytes, totalAllocations)
                + (workspaceBytes > 0 ? ", of which %,d the shared workspace".formatted(workspaceBytes) : "");
    }
}
