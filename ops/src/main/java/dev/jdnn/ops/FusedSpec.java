package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;

/**
 * A pattern of several ops that a backend may run as one fused plan ({@link Backend#fuse}). Each spec states the
 * pattern's exact result as a composition of unfused ops — that composition is what the CPU backend runs and what
 * the CUDA fused plans are tested against — and carries everything the computation depends on: the geometry, and
 * the {@link OperandType} of activations and weights ({@link #operands()}: their element type {@link #dtype()} and
 * memory format {@link #format()}; shapes stay logical NCHW, the format is a stride permutation), which is the
 * embedded convolution's or batch norm's. Per-channel vectors (bias, scale, statistics, batch-norm parameters) are
 * always float32 [C] tensors.
 *
 * @param <P> the plan type a backend returns for this pattern
 */
public sealed interface FusedSpec<P extends FusedPlan>
        permits ConvBiasActivationSpec, ConvStatsSpec, BnFinalizeSpec, DgradDreluSpec, BnBackwardSpec {
    /** The pattern's short name in reports and cache keys, e.g. {@code conv-bias-activation}. */
    String pattern();

    /** The pattern and every parameter that determines its result, on one line (reports, cache keys, messages). */
    String describe();

    /** The format and element type of activations and weights (computation is float32). */
    OperandType operands();

    /** The element type of activations and weights: FLOAT32, FLOAT16 or BFLOAT16. */
    default DType dtype() {
        return operands().dtype();
    }

    /** The memory format of activations and weights. */
    default MemoryFormat format() {
        return operands().format();
    }

    /** The plan interface of this pattern, for type-safe results ({@link Fusion#fused(FusedSpec, FusedPlan)}). */
    Class<P> planType();
}
