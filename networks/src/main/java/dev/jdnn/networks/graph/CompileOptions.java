package dev.jdnn.networks.graph;

/**
 * Debug switches for {@link CompiledModel#compile(dev.jdnn.networks.Module, dev.jdnn.memory.Shape, dev.jdnn.ops.Backend, long, CompileOptions)}.
 *
 * @param shareMemory   plan activation memory with lifetime-based sharing (false: every buffer gets its own range)
 * @param poisonBuffers fill every planned buffer with NaN when its lifetime starts and ends, to expose plan errors
 */
public record CompileOptions(boolean shareMemory, boolean poisonBuffers) {
    public static final CompileOptions DEFAULT = new CompileOptions(true, false);
}
