package dev.jdnn.memory;

import java.lang.foreign.MemorySegment;

/**
 * A block of bytes on one device. On the host {@link #hostSegment()} is a real, dereferenceable segment;
 * on a GPU only {@link #address()} is meaningful (it is a device pointer, never dereferenced from Java).
 * Closing is idempotent; any use after close throws {@link IllegalStateException}.
 */
public final class Buffer implements AutoCloseable {
    private final Allocator allocator;
    private final long address;
    private final long byteSize;
    private final MemorySegment hostSegment; // null for device memory
    private final Object allocatorState;     // whatever the allocator needs to free it (an Arena, a pool...)
    private volatile boolean closed;

    public Buffer(Allocator allocator, long address, long byteSize, MemorySegment hostSegment, Object allocatorState) {
        this.allocator = allocator;
        this.address = address;
        this.byteSize = byteSize;
        this.hostSegment = hostSegment;
        this.allocatorState = allocatorState;
    }

    public Device device() {
        return allocator.device();
    }

    public Allocator allocator() {
        return allocator;
    }

    public long byteSize() {
        return byteSize;
    }

    public long address() {
        checkOpen();
        return address;
    }

    /** The host segment; throws for device memory. */
    public MemorySegment hostSegment() {
        checkOpen();
        if (hostSegment == null) throw new IllegalStateException("buffer on " + device() + " has no host segment; copy it to the host first");
        return hostSegment;
    }

    public Object allocatorState() {
        return allocatorState;
    }

    public boolean isClosed() {
        return closed;
    }

    public void checkOpen() {
        if (closed) throw new IllegalStateException("use after close: buffer of " + byteSize + " bytes on " + device() + " was already released");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        allocator.release(this);
    }
}
