package dev.jdnn.memory.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.Out;
import dev.jdnn.bindings.cudart.cudart_h;

import java.lang.foreign.MemorySegment;

/** A CUDA stream (cudaStream_t). Work queued on one stream runs in order; {@link #synchronize()} waits for it. */
public final class CudaStream implements AutoCloseable {
    private final MemorySegment handle;
    private boolean closed;

    private CudaStream(MemorySegment handle) {
        this.handle = handle;
    }

    /** A new stream that does not synchronize with the legacy default stream. */
    public static CudaStream create() {
        return new CudaStream(Out.pointer(p -> Check.cudart(cudart_h.cudaStreamCreateWithFlags(p, cudart_h.cudaStreamNonBlocking()), "cudaStreamCreateWithFlags")));
    }

    /** The cudaStream_t to pass to native calls. */
    public MemorySegment handle() {
        if (closed) throw new IllegalStateException("CUDA stream already destroyed");
        return handle;
    }

    public void synchronize() {
        Check.cudart(cudart_h.cudaStreamSynchronize(handle()), "cudaStreamSynchronize");
    }

    /** Makes later work on this stream wait for the event (no host blocking). */
    public void waitFor(CudaEvent event) {
        Check.cudart(cudart_h.cudaStreamWaitEvent(handle(), event.handle(), 0), "cudaStreamWaitEvent");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Check.cudart(cudart_h.cudaStreamDestroy(handle), "cudaStreamDestroy");
    }
}
