package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;

/**
 * Batch-norm training statistics finalised from a {@link ConvStatsPlan}'s sums (cuDNN's "BN finalize"), per channel,
 * with M = {@code count} values per channel (N*H*W):
 * <pre>
 *   mean = sum / M,   var = sqSum / M - mean²,   invStd = 1 / sqrt(var + eps)
 *   eqScale = gamma * invStd,   eqBias = beta - mean * eqScale          (so bn(y) = y * eqScale + eqBias)
 *   runningMean = (1 - momentum) * runningMean + momentum * mean
 *   runningVar  = (1 - momentum) * runningVar  + momentum * var * M / (M - 1)   (unbiased, as PyTorch)
 *   saveMean = mean,   saveInvStd = invStd
 * </pre>
 * Together with the sums this is what {@link BatchNormPlan#forwardTraining} computes (its saveMean, saveInvStd and
 * running statistics), except that the normalisation itself is left to the consumer (eqScale, eqBias), and that
 * the variance comes from sums of squares rather than a second pass over the data.
 */
public record BnFinalizeSpec(int channels, long count, double eps, double momentum) implements FusedSpec<BnFinalizePlan> {
    public BnFinalizeSpec {
        Specs.positive("bn-finalize channels", channels);
        if (count < 2) throw new IllegalArgumentException("bn-finalize needs more than 1 value per channel, got count " + count);
        if (!(eps > 0)) throw new IllegalArgumentException("bn-finalize eps must be > 0, got " + eps);
        if (momentum < 0 || momentum > 1) throw new IllegalArgumentException("bn-finalize momentum must be in [0, 1], got " + momentum);
    }

    /** The finalisation for the batch norm {@code bn}: its channels, N*H*W, eps and momentum. */
    public static BnFinalizeSpec of(BatchNormSpec bn) {
        return new BnFinalizeSpec(bn.channels(), (long) bn.shape().dim(0) * bn.shape().dim(2) * bn.shape().dim(3), bn.eps(), bn.momentum());
    }

    @Override public String pattern() { return "bn-finalize"; }

    @Override
    public String describe() {
        return pattern() + " channels=" + channels + " count=" + count + " eps=" + eps + " momentum=" + momentum;
    }

    /** Per-channel vectors only: float32. */
    @Override public DType dtype() { return DType.FLOAT32; }

    /** Per-channel vectors only: no spatial layout to speak of. */
    @Override public MemoryFormat layout() { return MemoryFormat.NCHW; }

    @Override public Class<BnFinalizePlan> planType() { return BnFinalizePlan.class; }
}
