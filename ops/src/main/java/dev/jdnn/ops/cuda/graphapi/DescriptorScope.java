package dev.jdnn.ops.cuda.graphapi;

import java.util.ArrayList;
import java.util.List;

/**
 * Owns backend descriptors that belong together (the tensors, operations and graph of one fused plan; the engine
 * configuration and execution plan built from it) and destroys them together, newest first, on {@link #close()}.
 * cuDNN may keep referring to a descriptor set as another's attribute, so none is destroyed before its scope closes.
 */
public final class DescriptorScope implements AutoCloseable {
    private final List<BackendDescriptor> owned = new ArrayList<>();
    private boolean closed;

    /** A new descriptor owned by this scope. */
    public BackendDescriptor create(DescriptorType type) {
        if (closed) throw new IllegalStateException("descriptor scope is closed");
        BackendDescriptor d = BackendDescriptor.create(type);
        owned.add(d);
        return d;
    }

    /** Destroys one descriptor of this scope now (one that turned out unused). */
    void destroy(BackendDescriptor d) {
        if (owned.remove(d)) d.close();
    }

    /** Destroys every descriptor, newest first; the first failure is thrown after all were tried. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        RuntimeException first = null;
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (RuntimeException e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        owned.clear();
        if (first != null) throw first;
    }
}
