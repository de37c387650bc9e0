package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.ops.Recording;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * CUDA graphs over the backend's stream: record a step once, replay it with one launch. While capturing, the work
 * must be purely asynchronous on the backend's stream — no downloads, no synchronize, no new plans (cuDNN
 * benchmarking synchronises) and no tensor allocation or release; build plans and tensors first, then capture.
 * The rules are {@link dev.jdnn.ops.Backend#capture}'s; {@link CudaBackend#capture} is the way in.
 */
public final class CudaGraphs {
    private CudaGraphs() {}

    /** An instantiated graph; replay() launches it on the backend's stream. */
    public static final class Graph implements Recording {
        private final CudaBackend backend;
        private final MemorySegment graph, exec;
        private final Runnable unpinWorkspace;
        private boolean closed;

        private Graph(CudaBackend backend, MemorySegment graph, MemorySegment exec, Runnable unpinWorkspace) {
            this.backend = backend;
            this.graph = graph;
            this.exec = exec;
            this.unpinWorkspace = unpinWorkspace;
        }

        @Override
        public void replay() {
            if (closed) throw new IllegalStateException("CUDA graph already destroyed");
            // As every backend op: the backend must be open (its stream alive) and its device current on this thread
            // (a replay may be the only CUDA call of a step, e.g. a recorded eval forward on a new thread).
            backend.open();
            // Labelled as the last op, so a fault inside the graph is reported as coming from its replay.
            backend.context().cudart("cudaGraphLaunch (replay of a captured CUDA graph)", cudart_h.cudaGraphLaunch(exec, backend.stream()));
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            cudart_h.cudaGraphExecDestroy(exec);
            cudart_h.cudaGraphDestroy(graph);
            unpinWorkspace.run(); // the shared workspace this graph recorded may be freed now, if it was replaced
        }
    }

    /**
     * Captures everything {@code work} issues on the backend's stream into a graph (nothing runs during capture).
     * Relaxed capture mode, so a first-use kernel load (cuModuleLoadData) inside the capture is allowed.
     */
    public static Graph capture(CudaBackend backend, Runnable work) {
        MemorySegment stream = backend.stream();
        try (Arena arena = Arena.ofConfined()) {
            Check.cudart(cudart_h.cudaStreamBeginCapture(stream, cudart_h.cudaStreamCaptureModeRelaxed()), "cudaStreamBeginCapture");
            MemorySegment graphOut = arena.allocate(ValueLayout.ADDRESS);
            Throwable failure = null;
            SharedWorkspace workspace = backend.context().workspace;
            workspace.capturing(true); // a plan made inside the capture must not move the workspace under the graph
            try {
                work.run();
            } catch (RuntimeException | Error e) { // an Error too (AssertionError, LinkageError...): the capture must end either way
                failure = e;
            } finally {
                workspace.capturing(false);
            }
            // Always end the capture, or the stream stays unusable.
            int endStatus = cudart_h.cudaStreamEndCapture(stream, graphOut);
            MemorySegment graph = graphOut.get(ValueLayout.ADDRESS, 0);
            if (failure != null || endStatus != 0) {
                if (!graph.equals(MemorySegment.NULL)) cudart_h.cudaGraphDestroy(graph);
                if (failure instanceof RuntimeException e) throw e;
                if (failure instanceof Error e) throw e;
                Check.cudart(endStatus, "cudaStreamEndCapture (a captured call was not capturable, e.g. a synchronisation)");
            }
            MemorySegment execOut = arena.allocate(ValueLayout.ADDRESS);
            int status = cudart_h.cudaGraphInstantiate(execOut, graph, 0L);
            if (status != 0) {
                cudart_h.cudaGraphDestroy(graph);
                Check.cudart(status, "cudaGraphInstantiate");
            }
            // The graph holds the shared workspace's address: keep that buffer alive for as long as the graph lives.
            return new Graph(backend, graph, execOut.get(ValueLayout.ADDRESS, 0), workspace.pin());
        }
    }
}
