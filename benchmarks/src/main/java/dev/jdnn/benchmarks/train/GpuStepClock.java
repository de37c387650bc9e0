package dev.jdnn.benchmarks.train;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.memory.cuda.CudaEvent;
import dev.jdnn.ops.cuda.CudaBackend;

/**
 * GPU time of a span of work on the CUDA backend's stream, from two CUDA events recorded around it; used next to
 * the host wall clock to split a step into host overhead and GPU time.
 */
final class GpuStepClock implements AutoCloseable {
    private final CudaBackend backend;
    private final CudaEvent start = CudaEvent.create(), end = CudaEvent.create();

    GpuStepClock(CudaBackend backend) {
        this.backend = backend;
    }

    void start() {
        Check.cudart(cudart_h.cudaEventRecord(start.handle(), backend.stream()), "cudaEventRecord");
    }

    /** Records the end event and returns the GPU milliseconds since {@link #start()} (waits for the end event). */
    double stopMillis() {
        Check.cudart(cudart_h.cudaEventRecord(end.handle(), backend.stream()), "cudaEventRecord");
        return CudaEvent.elapsedMillis(start, end);
    }

    @Override
    public void close() {
        start.close();
        end.close();
    }
}
