package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;

/**
 * A pattern of several ops that a backend may run as one fused plan ({@link Backend#fuse}). Each spec states the
 * pattern's exact result as a composition of unfused ops — that composition is what the CPU backend runs and what
 * the CUDA fused plans are tested against — and carries everything the computation depends on: the geometry, the
 * element type of activations and weights ({@link #dtype()}), and their memory layout ({@link #layout()}; shapes stay
 * logical NCHW, the layout is a stride permutation). Per-channel vectors (bias, scale, statistics, batch-norm
 * parameters) are always float32 [C] tensors.
 *
 * @param <P> the plan type a backend returns for this pattern
 */
public sealed interface FusedSpec<P extends FusedPlan>
        permits ConvBiasActivationSpec, ConvStatsSpec, BnFinalizeSpec, DgradDreluSpec, BnBackwardSpec {
    /** The pattern's short name in reports and cache keys, e.g. {@code conv-bias-activation}. */
    String pattern();

    /** The pattern and every parameter that determines its result, on one line (reports, cache keys, messages). */
    String describe();

    /** The element type of activations and weights: FLOAT32, FLOAT16 or BFLOAT16 (computation is float32). */
    DType dtype();

    /** The memory layout of activations and weights. */
    MemoryFormat layout();

    /** The plan interface of this pattern, for type-safe results ({@link Fusion#fused(FusedSpec, FusedPlan)}). */
    Class<P> planType();
}
