package dev.jdnn.networks.graph;

/**
 * What a compiled model occupies on its device. {@code plannedActivationBytes}: the arena holding all activations,
 * gradients of activations and per-op scratch of both graphs (they share it; it is sized for the larger);
 * {@code naiveActivationBytes}: what the same buffers would take with no sharing (the larger graph's sum);
 * {@code parameterBytes}: trainable values and their gradients, frozen parameters and buffers;
 * {@code workspaceBytes}: the largest workspace any of its plans needs — held once, by the backend, in the one workspace
 * all its plans share (on the CPU 0).
 */
public record MemoryReport(long plannedActivationBytes, long naiveActivationBytes, long parameterBytes, long workspaceBytes) {
    @Override
    public String toString() {
        return "activations %,d bytes planned (naive %,d, %.1fx), parameters %,d bytes, workspace %,d bytes".formatted(
                plannedActivationBytes, naiveActivationBytes, plannedActivationBytes == 0 ? 1.0 : (double) naiveActivationBytes / plannedActivationBytes,
                parameterBytes, workspaceBytes);
    }
}
