package dev.jdnn.memory.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.memory.Buffer;

import java.lang.foreign.MemorySegment;

/**
 * Stream-ordered copies between host memory and device buffers. From pinned host memory they are truly
 * asynchronous; from pageable memory CUDA stages them and returns once the source may be reused.
 * Nothing is guaranteed complete until the stream is synchronized.
 */
public final class CudaCopies {
    private CudaCopies() {
    }

    public static void hostToDeviceAsync(MemorySegment src, Buffer dst, long dstOffset, CudaStream stream) {
        checkRange("destination", dst, dstOffset, src.byteSize());
        copy(MemorySegment.ofAddress(dst.address() + dstOffset), src, src.byteSize(), cudart_h.cudaMemcpyHostToDevice(), stream);
    }

    public static void deviceToHostAsync(Buffer src, long srcOffset, MemorySegment dst, CudaStream stream) {
        checkRange("source", src, srcOffset, dst.byteSize());
        copy(dst, MemorySegment.ofAddress(src.address() + srcOffset), dst.byteSize(), cudart_h.cudaMemcpyDeviceToHost(), stream);
    }

    public static void deviceToDeviceAsync(Buffer src, long srcOffset, Buffer dst, long dstOffset, long bytes, CudaStream stream) {
        checkRange("source", src, srcOffset, bytes);
        checkRange("destination", dst, dstOffset, bytes);
        copy(MemorySegment.ofAddress(dst.address() + dstOffset), MemorySegment.ofAddress(src.address() + srcOffset), bytes,
                cudart_h.cudaMemcpyDeviceToDevice(), stream);
    }

    /** Sets {@code bytes} bytes of a device buffer to {@code value}. */
    public static void memsetAsync(Buffer dst, long dstOffset, int value, long bytes, CudaStream stream) {
        checkRange("destination", dst, dstOffset, bytes);
        Check.cudart(cudart_h.cudaMemsetAsync(MemorySegment.ofAddress(dst.address() + dstOffset), value, bytes, stream.handle()), "cudaMemsetAsync");
    }

    private static void copy(MemorySegment dst, MemorySegment src, long bytes, int kind, CudaStream stream) {
        Check.cudart(cudart_h.cudaMemcpyAsync(dst, src, bytes, kind, stream.handle()), "cudaMemcpyAsync");
    }

    private static void checkRange(String role, Buffer buffer, long offset, long bytes) {
        if (offset < 0 || bytes < 0 || offset + bytes > buffer.byteSize()) {
            throw new IndexOutOfBoundsException("%s range [%d, %d) is outside the %,d-byte buffer on %s"
                    .formatted(role, offset, offset + bytes, buffer.byteSize(), buffer.device()));
        }
    }
}
