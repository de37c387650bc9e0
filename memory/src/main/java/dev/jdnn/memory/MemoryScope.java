package dev.jdnn.memory;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Frees everything registered with it when closed, newest first — the try-with-resources way to release a batch
 * of tensors, plans and buffers deterministically.
 * <pre>{@code
 * try (var scope = new MemoryScope()) {
 *     Tensor a = scope.track(backend.allocate(Shape.of(3, 4), DType.FLOAT32));
 *     ...
 * } // a is released here
 * }</pre>
 */
public final class MemoryScope implements AutoCloseable {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private boolean closed;

    public synchronized <T extends AutoCloseable> T track(T resource) {
        if (closed) throw new IllegalStateException("memory scope already closed");
        resources.push(resource);
        return resource;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        RuntimeException first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) first = e instanceof RuntimeException r ? r : new RuntimeException(e);
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
