package dev.jdnn.ops;

/**
 * The counter-based random stream behind every {@link DropoutPlan}, shared by the backends so their masks are
 * bit-identical (the CUDA kernel in {@code dropout.cu} repeats this arithmetic on unsigned 64-bit integers).
 *
 * <p>Forward call k (0, 1, 2, ...) of a plan seeded with s uses the key {@code mix(s + (k + 1) * GOLDEN)} — which is
 * the k-th {@code nextLong()} of {@code new SplittableRandom(s)} — and keeps element i (row-major index) when the
 * top 24 bits of {@code mix(key + i * GOLDEN)} are at or above {@code round(p * 2^24)}. Being a pure function of
 * (seed, call, element), a mask needs no state but the call counter and does not depend on how the work is split.
 */
public final class DropoutStream {
    /** SplitMix64's increment, the golden ratio in 64-bit fixed point. */
    public static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private DropoutStream() {}

    /** The key of forward call {@code call} (counting from 0) of a plan seeded with {@code seed}. */
    public static long key(long seed, long call) {
        return mix(seed + (call + 1) * GOLDEN);
    }

    /** Elements whose 24-bit hash is below this are dropped: round(p * 2^24). */
    public static int threshold(float probability) {
        return (int) Math.round((double) probability * (1 << 24));
    }

    /** Whether element {@code element} is kept under {@code key}. */
    public static boolean keeps(long key, long element, int threshold) {
        return (mix(key + element * GOLDEN) >>> 40) >= threshold;
    }

    /** SplitMix64's finaliser (that of {@link java.util.SplittableRandom}): a bijective 64-bit mix with good avalanche. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
