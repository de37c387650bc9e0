package dev.jdnn.networks.graph;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.LossScaling;

import java.util.Locale;
import java.util.Objects;

/**
 * Switches for {@link CompiledModel#compile(dev.jdnn.networks.Layer, dev.jdnn.memory.Shape, dev.jdnn.ops.Backend, long, CompileOptions)}.
 *
 * @param shareMemory   plan activation memory with lifetime-based sharing (false: every buffer gets its own range)
 * @param poisonBuffers fill every planned buffer with NaN when its lifetime starts and ends, to expose plan errors
 * @param inPlaceActivations let ReLU-like activations overwrite their input where legal
 * @param cudaGraphs    record the forward passes and the training step for replay (CUDA graphs) where the backend
 *                      supports it ({@link dev.jdnn.ops.Backend#supportsCapture()}); see {@link CompiledModel}
 * @param fusion        run groups of nodes as the backend's fused plans where it fuses them ({@link FusionMode}; off
 *                      by default until cuDNN's fused engines are verified on a GPU); see {@link CompiledModel#fusionStatus()}
 * @param layout        the memory format of the activations ({@link Layout}; by default NHWC where the backend prefers it)
 * @param precision     what the activations are stored in and how float32 math runs ({@link Precision})
 * @param lossScaling   the dynamic loss scaler of {@link Precision#FP16} training (torch's GradScaler defaults); unused otherwise
 */
public record CompileOptions(boolean shareMemory, boolean poisonBuffers, boolean inPlaceActivations, boolean cudaGraphs, FusionMode fusion,
                             Layout layout, Precision precision, LossScaling lossScaling) {
    public static final CompileOptions DEFAULT = new CompileOptions(true, false, true, true, FusionMode.OFF, Layout.AUTO, Precision.TF32,
            LossScaling.torchDefaults());

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
        /**
         * Never: the default until a GPU session has verified cuDNN's fused engines (some of their scalar types are
         * not yet confirmed on hardware); ask for {@link #AUTO} to use them on CUDA.
         */
        OFF;

        /** Whether this mode fuses on {@code backend}. */
        public boolean fusesOn(Backend backend) {
            return this == ON || this == AUTO && "cuda".equals(backend.name());
        }
    }

    /** The memory format of a compiled model's activations (weights follow their convolutions; see {@link CompiledModel}). */
    public enum Layout {
        /** NHWC where the backend prefers it ({@link Backend#prefersChannelsLast()}: CUDA with tensor cores), else NCHW. */
        AUTO,
        NCHW,
        NHWC;

        /** The format this choice means on {@code backend}. */
        public MemoryFormat on(Backend backend) {
            return switch (this) {
                case AUTO -> backend.prefersChannelsLast() ? MemoryFormat.NHWC : MemoryFormat.NCHW;
                case NCHW -> MemoryFormat.NCHW;
                case NHWC -> MemoryFormat.NHWC;
            };
        }

        /** "auto", "nchw", "nhwc": the command line's spelling. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What a compiled model computes in. The float32 precisions differ only in the math of convolutions and matrix
     * products, which a CUDA backend fixes when it is opened ({@code CudaBackend.Options.strictFp32}); the compile asks
     * for it and checks: {@link #TF32} runs as {@link #FP32} where the backend has no TF32 (the CPU, pre-Ampere GPUs,
     * a backend opened strict), and {@link #FP32} refuses a backend that would use TF32. The mixed precisions follow
     * torch.autocast ({@code dev.jdnn.ops}'s mixed-precision table): activations, their gradients and the
     * convolution and linear weight copies in half precision; master weights, their gradients, the optimizer state,
     * batch-norm parameters and statistics and the loss in float32.
     */
    public enum Precision {
        /** Float32 with strict float32 math (no TF32 tensor cores). */
        FP32(DType.FLOAT32),
        /** Float32 storage, TF32 tensor-core math in convolutions and matrix products where the backend has it (the default). */
        TF32(DType.FLOAT32),
        /** Mixed precision with bfloat16 activations and weight copies. */
        BF16(DType.BFLOAT16),
        /** Mixed precision with float16 activations and weight copies, and dynamic loss scaling in training. */
        FP16(DType.FLOAT16);

        private final DType activations;

        Precision(DType activations) {
            this.activations = activations;
        }

        /** The storage type of activations, their gradients and the weight copies. */
        public DType activationDtype() {
            return activations;
        }

        /** "fp32", "tf32", "bf16", "fp16": the command line's and the benchmarks' spelling. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The precision named by {@link #label()} (any case), or an exception listing the names. */
        public static Precision parse(String name) {
            for (Precision p : values()) if (p.label().equalsIgnoreCase(name.strip())) return p;
            throw new IllegalArgumentException("unknown precision '" + name + "': expected fp32, tf32, bf16 or fp16");
        }

        /**
         * What this request computes in on {@code backend}: TF32 becomes FP32 where the backend has no TF32; FP32 on a
         * backend that uses TF32 is refused, naming how to open a strict one.
         */
        public Precision on(Backend backend) {
            if (this == TF32 && !backend.allowsTf32()) return FP32;
            if (this == FP32 && backend.allowsTf32()) {
                throw new IllegalArgumentException("precision fp32 (strict float32 math) needs a backend opened for strict FP32, but this "
                        + backend.name() + " backend uses TF32 tensor cores: open it with CudaBackend.Options.withStrictFp32(true) "
                        + "(Backends.open(device, deterministic, true) does), or compile for tf32");
            }
            return this;
        }
    }

    public CompileOptions {
        Objects.requireNonNull(fusion, "fusion");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(lossScaling, "lossScaling");
    }

    public CompileOptions(boolean shareMemory, boolean poisonBuffers, boolean inPlaceActivations) {
        this(shareMemory, poisonBuffers, inPlaceActivations, DEFAULT.cudaGraphs, DEFAULT.fusion, DEFAULT.layout, DEFAULT.precision, DEFAULT.lossScaling);
    }

    public CompileOptions(boolean shareMemory, boolean poisonBuffers) {
        this(shareMemory, poisonBuffers, true);
    }

    public CompileOptions withCudaGraphs(boolean on) {
        return new CompileOptions(shareMemory, poisonBuffers, inPlaceActivations, on, fusion, layout, precision, lossScaling);
    }

    public CompileOptions withFusion(FusionMode mode) {
        return new CompileOptions(shareMemory, poisonBuffers, inPlaceActivations, cudaGraphs, mode, layout, precision, lossScaling);
    }

    public CompileOptions withLayout(Layout newLayout) {
        return new CompileOptions(shareMemory, poisonBuffers, inPlaceActivations, cudaGraphs, fusion, newLayout, precision, lossScaling);
    }

    public CompileOptions withPrecision(Precision newPrecision) {
        return new CompileOptions(shareMemory, poisonBuffers, inPlaceActivations, cudaGraphs, fusion, layout, newPrecision, lossScaling);
    }

    public CompileOptions withLossScaling(LossScaling scaling) {
        return new CompileOptions(shareMemory, poisonBuffers, inPlaceActivations, cudaGraphs, fusion, layout, precision, scaling);
    }
}
