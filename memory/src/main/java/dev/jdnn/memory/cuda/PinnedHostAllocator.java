package dev.jdnn.memory.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.Out;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.memory.Allocator;
import dev.jdnn.memory.Buffer;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryStats;

import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory (cudaMallocHost): the GPU can copy to and from it asynchronously, which pageable memory
 * does not allow. Buffers have a real host segment, so Java code reads and writes them directly.
 */
public final class PinnedHostAllocator implements Allocator {
    private final AllocationCounters counters = new AllocationCounters();

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Buffer allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative pinned allocation size " + bytes);
        MemorySegment pointer = Out.pointer(p -> Check.cudart(cudart_h.cudaMallocHost(p, Math.max(bytes, 1)), "cudaMallocHost"));
        counters.allocated(bytes);
        MemorySegment host = pointer.reinterpret(bytes);
        return new Buffer(this, pointer.address(), bytes, host, pointer);
    }

    @Override
    public void release(Buffer buffer) {
        Check.cudart(cudart_h.cudaFreeHost((MemorySegment) buffer.allocatorState()), "cudaFreeHost");
        counters.released(buffer.byteSize());
    }

    @Override
    public MemoryStats stats() {
        return counters.stats(Device.CPU);
    }
}
