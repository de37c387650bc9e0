package dev.jdnn.ops;

/**
 * A pattern of ops prepared as one plan for one {@link FusedSpec} (see {@link Backend#fuse}). Operands follow the
 * spec's dtype and layout and must be densely packed in that layout (no batch-strided views: a fused graph is built
 * for exact strides). A plan that needs workspace uses its backend's one shared workspace, reserved when the plan was
 * made.
 */
public interface FusedPlan extends AutoCloseable {
    FusedSpec<?> spec();

    /** What this plan needs of the backend's shared workspace (for memory reports; the backend holds it). */
    long workspaceBytes();

    /** How this backend computes the pattern, for fusion reports: the cuDNN engine chosen, or the ops it composes. */
    String implementation();

    @Override
    default void close() {}
}
