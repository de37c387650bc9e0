package dev.jdnn.networks.graph;

/**
 * Switches for {@link CompiledModel#compile(dev.jdnn.networks.Module, dev.jdnn.memory.Shape, dev.jdnn.ops.Backend, long, CompileOptions)}.
 *
 * @param shareMemory   plan activation memory with lifetime-based sharing (false: every buffer gets its own range)
 * @param poisonBuffers fill every planned buffer with NaN when its lifetime starts and ends, to expose plan errors
 * @param inPlaceActivations let ReLU-like activations overwrite their input where legal
 */
public record CompileOptions(boolean shareMemory, boolean poisonBuffers, boolean inPlaceActivations) {
    public static final CompileOptions DEFAULT = new CompileOptions(true, false, true);

    public CompileOptions(boolean shareMemory, boolean poisonBuffers) {
        this(shareMemory, poisonBuffers, true);
    }
}
