package dev.jdnn.memory;

/**
 * Hands out raw buffers on one device and keeps the books on them.
 * Implementations: {@link HostAllocator} (off-heap host memory) and the CUDA allocators in {@code dev.jdnn.memory.cuda}.
 */
public interface Allocator {
    Device device();

    /** A new buffer of at least {@code bytes} bytes, contents undefined. */
    Buffer allocate(long bytes);

    /** Called by {@link Buffer#close()}; never call directly. */
    void release(Buffer buffer);

    MemoryStats stats();
}
