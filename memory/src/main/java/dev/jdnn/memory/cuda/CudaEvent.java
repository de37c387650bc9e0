package dev.jdnn.memory.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.Out;
import dev.jdnn.bindings.cudart.cudart_h;

import java.lang.foreign.MemorySegment;

/** A CUDA event (cudaEvent_t): a marker in a stream, for ordering and for GPU-side timing. */
public final class CudaEvent implements AutoCloseable {
    private final MemorySegment handle;
    private boolean closed;

    private CudaEvent(MemorySegment handle) {
        this.handle = handle;
    }

    /** An event that records timestamps (for {@link #elapsedMillis}). */
    public static CudaEvent create() {
        return create(cudart_h.cudaEventDefault());
    }

    /** An event without timing, cheaper for pure ordering. */
    public static CudaEvent createWithoutTiming() {
        return create(cudart_h.cudaEventDisableTiming());
    }

    private static CudaEvent create(int flags) {
        return new CudaEvent(Out.pointer(p -> Check.cudart(cudart_h.cudaEventCreateWithFlags(p, flags), "cudaEventCreateWithFlags")));
    }

    public MemorySegment handle() {
        if (closed) throw new IllegalStateException("CUDA event already destroyed");
        return handle;
    }

    public void record(CudaStream stream) {
        Check.cudart(cudart_h.cudaEventRecord(handle(), stream.handle()), "cudaEventRecord");
    }

    public void synchronize() {
        Check.cudart(cudart_h.cudaEventSynchronize(handle()), "cudaEventSynchronize");
    }

    /** GPU time between two recorded events, in milliseconds (waits for {@code end}). */
    public static float elapsedMillis(CudaEvent start, CudaEvent end) {
        end.synchronize();
        return Out.floatValue(ms -> Check.cudart(cudart_h.cudaEventElapsedTime(ms, start.handle(), end.handle()), "cudaEventElapsedTime"));
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Check.cudart(cudart_h.cudaEventDestroy(handle), "cudaEventDestroy");
    }
}
