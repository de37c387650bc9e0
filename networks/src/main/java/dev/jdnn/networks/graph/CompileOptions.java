package dev.jdnn.networks.graph;

/**
 * Switches for {@link CompiledModel#compile(dev.jdnn.networks.Layer, dev.jdnn.memory.Shape, dev.jdnn.ops.Backend, long, CompileOptions)}.
 *
 * @param shareMemory   plan activation memory with lifetime-based sharing (false: every buffer gets its own range)
 * @param poisonBuffers fill every planned buffer with NaN when its lifetime starts and ends, to expose plan errors
 * @param inPlaceActivations let ReLU-like activations overwrite their input where legal
 * @param cudaGraphs    record the forward passes and the training step for replay (CUDA graphs) where the backend
 *                      supports it ({@link dev.jdnn.ops.Backend#supportsCapture()}); see {@link CompiledModel}
 */
public record CompileOptions(boolean shareMemory, boolean poisonBuffers, boolean inPlaceActivations, boolean cudaGraphs) {
    public static final CompileOptions DEFAULT = new CompileOptions(true, false, true, true);

    public CompileOptions(boolean shareMemory, boolean poisonBuffers, boolean inPlaceActivations) {
        this(shareMemory, poisonBuffers, inPlaceActivations, true);
    }

    public CompileOptions(boolean shareMemory, boolean poisonBuffers) {
        this(shareMemory, poisonBuffers, true);
    }

    public CompileOptions withCudaGraphs(boolean on) {
        return new CompileOptions(shareMemory, poisonBuffers, inPlaceActivations, on);
    }
}
