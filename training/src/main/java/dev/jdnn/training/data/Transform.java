package dev.jdnn.training.data;

import java.util.SplittableRandom;

/**
 * An in-place, size-preserving transformation of one CHW float image (augmentation or normalisation). Random
 * transforms draw only from the generator they are given, which the loader derives from (seed, epoch, sample), so
 * results do not depend on which thread ran them or in what order.
 */
@FunctionalInterface
public interface Transform {
    /** Transforms {@code image.data()} in place; may use {@code image.scratch()} freely. */
    void apply(ImageBuffer image, SplittableRandom rng);

    /** This transform followed by {@code next}. */
    default Transform andThen(Transform next) {
        return (image, rng) -> {
            apply(image, rng);
            next.apply(image, rng);
        };
    }

    static Transform identity() {
        return (image, rng) -> {};
    }

    /** A CHW image of fixed size plus a same-sized scratch array (reused across samples by one loader thread). */
    record ImageBuffer(float[] data, int channels, int height, int width, float[] scratch) {
        public ImageBuffer(int channels, int height, int width) {
            this(new float[channels * height * width], channels, height, width, new float[channels * height * width]);
        }

        /** Copies the scratch array back into {@code data} (for transforms that write their result to scratch). */
        void commitScratch() {
            System.arraycopy(scratch, 0, data, 0, data.length);
        }
    }
}
