package dev.jdnn.ops;

/**
 * A pattern of ops prepared as one plan for one {@link FusedSpec} (see {@link Backend#fuse}). Operands follow the
 * spec's dtype and layout and must be densely packed in that layout (no batch-strided views: a fused graph is built
 * for exact strides). {@code workspace} arguments take a caller-owned tensor of at least {@link #workspaceBytes()}
 * bytes, or null when that is 0.
 */
public interface FusedPlan extends AutoCloseable {
    FusedSpec<?> spec();

    long workspaceBytes();

    /** How this backend computes the pattern, for fusion reports: the cuDNN engine chosen, or the ops it composes. */
    String implementation();

    @Override
    default void close() {}
}
