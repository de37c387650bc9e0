package dev.jdnn.memory.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.Out;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.memory.Allocator;
import dev.jdnn.memory.Buffer;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryStats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Device memory from the device's default memory pool, stream-ordered (cudaMallocAsync / cudaFreeAsync on one
 * stream). The pool's release threshold is raised to UINT64_MAX so freed memory stays in the pool: after the first
 * training step, allocations are served without driver calls that synchronize the device.
 */
public final class CudaDeviceAllocator implements Allocator {
    private final Device device;
    private final CudaStream stream;
    private final MemorySegment pool;
    private final AllocationCounters counters = new AllocationCounters();

    /** Allocates and frees in the order of work on {@code stream}; the caller keeps the stream open while buffers live. */
    public CudaDeviceAllocator(int ordinal, CudaStream stream) {
        CudaRuntime.setDevice(ordinal);
        this.device = Device.cuda(ordinal);
        this.stream = stream;
        this.pool = defaultPool(ordinal);
        keepFreedMemoryInPool(pool);
    }

    private static MemorySegment defaultPool(int ordinal) {
        return Out.pointer(p -> Check.cudart(cudart_h.cudaDeviceGetDefaultMemPool(p, ordinal), "cudaDeviceGetDefaultMemPool"));
    }

    private static void keepFreedMemoryInPool(MemorySegment pool) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment threshold = arena.allocate(ValueLayout.JAVA_LONG);
            threshold.set(ValueLayout.JAVA_LONG, 0, -1L); // UINT64_MAX: never give memory back on synchronization
            Check.cudart(cudart_h.cudaMemPoolSetAttribute(pool, cudart_h.cudaMemPoolAttrReleaseThreshold(), threshold), "cudaMemPoolSetAttribute");
        }
    }

    @Override
    public Device device() {
        return device;
    }

    public CudaStream stream() {
        return stream;
    }

    @Override
    public Buffer allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative allocation size " + bytes + " on " + device);
        long address;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            int status = cudart_h.cudaMallocAsync(out, Math.max(bytes, 1), stream.handle());
            if (status == cudart_h.cudaErrorMemoryAllocation()) {
                cudart_h.cudaGetLastError(); // reset the runtime's last-error slot so a later cudaGetLastError does not report this OOM again
                CudaDevice.MemoryInfo info = CudaDevice.memoryInfo(device.ordinal());
                throw new CudaOutOfMemoryException(device, bytes, counters.liveBytes(), info.freeBytes(), info.totalBytes(),
                        new CudaException(Library.CUDART, "cudaMallocAsync", status, Check.describeCudart(status)));
            }
            Check.cudart(status, "cudaMallocAsync");
            address = out.get(ValueLayout.ADDRESS, 0).address();
        }
        counters.allocated(bytes);
        return new Buffer(this, address, bytes, null, address); // state: the address, readable after close()
    }

    @Override
    public void release(Buffer buffer) {
        Check.cudart(cudart_h.cudaFreeAsync(MemorySegment.ofAddress((Long) buffer.allocatorState()), stream.handle()), "cudaFreeAsync");
        counters.released(buffer.byteSize());
    }

    /** Returns pooled but unused memory to the driver (e.g. between models). */
    public void trim() {
        stream.synchronize();
        Check.cudart(cudart_h.cudaMemPoolTrimTo(pool, 0), "cudaMemPoolTrimTo");
    }

    @Override
    public MemoryStats stats() {
        return counters.stats(device);
    }
}
