package dev.jdnn.networks.graph;

import dev.jdnn.ops.Backend;

/**
 * Switches for {@link CompiledModel#compile(dev.jdnn.networks.Layer, dev.jdnn.memory.Shape, dev.jdnn.ops.Backend, long, CompileOptions)}.
 *
 * @param shareMemory   plan activation memory with lifetime-based sharing (false: every buffer gets its own range)
 * @param poisonBuffers fill every planned buffer with NaN when its lifetime starts and ends, to expose plan errors
 * @param inPlaceActivations let ReLU-like activations overwrite their input where legal
 * @param cudaGraphs    record the forward passes and the training step for replay (CUDA graphs) where the backend
 *                      supports it ({@link dev.jdnn.ops.Backend#supportsCapture()}); see {@link CompiledModel}
 * @param fusion        run groups of nodes as the backend's fused plans where it fuses them ({@link FusionMode});
 *                      see {@link CompiledModel#fusionStatus()}
 */
public record CompileOptions(boolean shareMemory, boolean poisonBuffers, boolean inPlaceActivations, boolean cudaGraphs, FusionMode fusion) {
    public static final CompileOptions DEFAULT = new CompileOptions(true, false, true, true, FusionMode.AUTO);

    /** Whether the compile fuses groups of nodes (conv + batch norm + ReLU and the like) into the backend's fused plans. */
    public enum FusionMode {
        /**
         * Where fusing saves work: on the CUDA backend (cuDNN runs each pattern as one kernel graph); off on the CPU
         * backend, whose fused plans are compositions of its unfused ops (the reference CUDA is tested against), so
         * fusing there only changes the rounding of batch-norm statistics and folded weights.
         */
        AUTO,
        /** Always, on any backend (tests compare fused and unfused compiles on the CPU). */
        ON,
        OFF;

        /** Whether this mode fuses on {@code backend}. */
        public boolean fusesOn(Backend backend) {
            return this == ON || this == AUTO && "cuda".equals(backend.name());
        }
    }

    public CompileOptions {
        java.util.Objects.requireNonNull(fusion, "fusion");
    }

    public CompileOptions(boolean shareMemory, boolean poisonBuffers, boolean inPlaceActivations) {
        this(shareMemory, poisonBuffers, inPlaceActivations, true, FusionMode.AUTO);
    }

    public CompileOptions(boolean shareMemory, boolean poisonBuffers) {
        this(shareMemory, poisonBuffers, true);
    }

    public CompileOptions withCudaGraphs(boolean on) {
        return new CompileOptions(shareMemory, poisonBuffers, inPlaceActivations, on, fusion);
    }

    public CompileOptions withFusion(FusionMode mode) {
        return new CompileOptions(shareMemory, poisonBuffers, inPlaceActivations, cudaGraphs, mode);
    }
}
