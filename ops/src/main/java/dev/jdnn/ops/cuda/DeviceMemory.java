package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.memory.Allocator;
import dev.jdnn.memory.Buffer;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryStats;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TEMPORARY SHIM (remove once dev.jdnn.memory.cuda.CudaDeviceAllocator is merged from branch bindings): a
 * stream-ordered allocator over cudaMallocAsync/cudaFreeAsync whose pool keeps freed memory (release threshold set
 * to the maximum), so steady-state steps never reach the driver.
 */
final class DeviceMemory {
    private DeviceMemory() {}

    static Allocator allocator(int ordinal, MemorySegment stream) {
        return new StreamOrderedAllocator(ordinal, stream);
    }

    static void close(Allocator allocator) {
        // pool memory is returned to the driver when the process ends or the device is reset
    }

    private static final class StreamOrderedAllocator implements Allocator {
        private final Device device;
        private final MemorySegment stream;
        private final AtomicLong live = new AtomicLong(), peak = new AtomicLong(), buffers = new AtomicLong(), total = new AtomicLong();

        StreamOrderedAllocator(int ordinal, MemorySegment stream) {
            this.device = Device.cuda(ordinal);
            this.stream = stream;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment pool = arena.allocate(ValueLayout.ADDRESS);
                Check.cudart(cudart_h.cudaDeviceGetDefaultMemPool(pool, ordinal), "cudaDeviceGetDefaultMemPool");
                MemorySegment threshold = arena.allocateFrom(ValueLayout.JAVA_LONG, -1L); // UINT64_MAX: keep everything
                Check.cudart(cudart_h.cudaMemPoolSetAttribute(pool.get(ValueLayout.ADDRESS, 0), cudart_h.cudaMemPoolAttrReleaseThreshold(), threshold),
                        "cudaMemPoolSetAttribute(cudaMemPoolAttrReleaseThreshold)");
            }
        }

        @Override
        public Device device() {
            return device;
        }

        @Override
        public Buffer allocate(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("negative allocation size " + bytes);
            long address;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
                int status = cudart_h.cudaMallocAsync(out, Math.max(bytes, 1), stream);
                if (status != 0) {
                    cudart_h.cudaGetLastError(); // clear the non-sticky error so the backend stays usable
                    throw new OutOfMemoryError("cudaMallocAsync of %,d bytes on %s failed (%s); %,d bytes live in jdnn buffers"
                            .formatted(bytes, device, Check.describeCudart(status), live.get()));
                }
                address = out.get(ValueLayout.ADDRESS, 0).address();
            }
            long now = live.addAndGet(bytes);
            peak.accumulateAndGet(now, Math::max);
            buffers.incrementAndGet();
            total.incrementAndGet();
            return new Buffer(this, address, bytes, null, address); // state: the address, readable after close
        }

        @Override
        public void release(Buffer buffer) {
            Check.cudart(cudart_h.cudaFreeAsync(MemorySegment.ofAddress((Long) buffer.allocatorState()), stream), "cudaFreeAsync");
            live.addAndGet(-buffer.byteSize());
            buffers.decrementAndGet();
        }

        @Override
        public MemoryStats stats() {
            return new MemoryStats(device, live.get(), peak.get(), buffers.get(), total.get());
        }
    }
}
