package dev.jdnn.training.data;

import java.util.SplittableRandom;

/**
 * Derives independent random streams from a run's seed, so every random decision is a pure function of
 * (seed, epoch, sample): the data order of epoch e and the augmentation of sample i in epoch e are the same in a
 * resumed run as in an uninterrupted one, whatever the thread scheduling.
 */
public final class Seeds {
    private Seeds() {}

    /** SplitMix64's finaliser over the combined inputs: distinct inputs give unrelated seeds. */
    public static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h ^= p;
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
            h *= 0x94D049BB133111EBL;
            h ^= h >>> 29;
        }
        return h;
    }

    /** The order samples are visited in during {@code epoch}: a Fisher–Yates shuffle seeded by (seed, epoch). */
    public static int[] epochOrder(long seed, int epoch, int size, boolean shuffle) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) order[i] = i;
        if (!shuffle) return order;
        SplittableRandom rng = new SplittableRandom(mix(seed, 0x0DE5, epoch));
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The generator the augmentations of one sample draw from. */
    public static SplittableRandom sampleRandom(long seed, int epoch, int sampleIndex) {
        return new SplittableRandom(mix(seed, 0xA06, epoch, sampleIndex));
    }
}
