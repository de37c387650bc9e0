package dev.jdnn.networks.parity;

import dev.jdnn.memory.Shape;

/**
 * A parameter fill that Java and the PyTorch fixture script ({@code ci/pytorch/make_fixtures.py}) compute bit for bit
 * identically, so fixtures need no weight files: tensor number {@code k} (its index in state_dict order), element
 * {@code j} (row-major) gets a value derived from an integer hash of (k, j).
 *
 * <p>Exactness by construction: the hash is SplitMix64's finaliser on {@code k << 32 | j} (plain 64-bit integer
 * arithmetic); its top 24 bits m give u = (m - 2^23) / 2^23 in [-1, 1), exactly representable in float32; every
 * scale is a power of two, and the one addition (BN weight and running_var) is a single float32 operation, rounded
 * the same way by Java and numpy.
 */
public final class DeterministicFill {
    /** Tensor index used for the input batch, far from any parameter index. */
    public static final int INPUT_INDEX = 1_000_000;

    /** What a tensor holds decides its range. */
    public enum Role { WEIGHT, BIAS, BN_WEIGHT, BN_BIAS, BN_RUNNING_MEAN, BN_RUNNING_VAR, INPUT }

    private DeterministicFill() {}

    /** SplitMix64 finaliser of {@code (k << 32 | j)}. */
    public static long hash(long k, long j) {
        long z = (k << 32 | j) + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The base value u in [-1, 1) with 24 significant bits. */
    public static float unit(long k, long j) {
        long m = hash(k, j) >>> 40;             // top 24 bits
        return (float) (m - (1L << 23)) * 0x1p-23f; // exact
    }

    /** Power-of-two scale ~ 1/sqrt(fan_in): 2^-floor(log2(fan_in)/2), fan_in = numel / dim 0 (1 for rank {@literal <=} 1). */
    public static float weightScale(Shape shape) {
        long fanIn = shape.rank() >= 2 ? shape.numel() / shape.dim(0) : 1;
        int e = (63 - Long.numberOfLeadingZeros(Math.max(1, fanIn))) / 2;
        return Math.scalb(1f, -e);
    }

    /** Fills {@code out} (row-major, shape.numel() long) for tensor k with the given role. */
    public static void fill(float[] out, int k, Shape shape, Role role) {
        float s = weightScale(shape);
        for (int j = 0; j < out.length; j++) {
            float u = unit(k, j);
            out[j] = switch (role) {
                case WEIGHT -> u * s;
                case BIAS, BN_BIAS -> u * 0x1p-2f;
                case BN_WEIGHT -> 1f + u * 0x1p-2f;
                case BN_RUNNING_MEAN -> u * 0x1p-3f;
                case BN_RUNNING_VAR -> 1.25f + u * 0x1p-2f; // in [1, 1.5): positive
                case INPUT -> u;
            };
        }
    }

    /** The role PyTorch's naming implies: BN tensors by their key suffix and rank, else weight (rank >= 2) or bias. */
    public static Role roleOf(String key, Shape shape, boolean isBatchNorm) {
        if (isBatchNorm) {
            if (key.endsWith("running_mean")) return Role.BN_RUNNING_MEAN;
            if (key.endsWith("running_var")) return Role.BN_RUNNING_VAR;
            if (key.endsWith("weight")) return Role.BN_WEIGHT;
            return Role.BN_BIAS;
        }
        return shape.rank() >= 2 ? Role.WEIGHT : Role.BIAS;
    }
}
