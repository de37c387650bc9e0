package dev.jdnn.memory;

/** A snapshot of one allocator's accounting. Bytes are what callers asked for, not what the driver rounded up to. */
public record MemoryStats(Device device, long liveBytes, long peakBytes, long liveBuffers, long totalAllocations) {
    @Override
    public String toString() {
        return "%s: %,d bytes live in %d buffers (peak %,d, %,d allocations)".formatted(device, liveBytes, liveBuffers, peakBytes, totalAllocations);
    }
}
