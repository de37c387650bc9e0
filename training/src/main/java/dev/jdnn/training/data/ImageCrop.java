package dev.jdnn.training.data;

import dev.jdnn.networks.models.InputSpec.Interpolation;

import java.util.SplittableRandom;

/**
 * How a fixed-size sample is cut from a decoded image of any size, as torchvision does it on the whole image:
 * {@link Centre} for evaluation (Resize + CenterCrop), {@link RandomResized} for training (RandomResizedCrop).
 * Resizing is antialiased bilinear. The result has pixels in [0, 1], not yet normalised.
 */
public sealed interface ImageCrop {
    /** The side of the square output. */
    int size();

    /** Writes the {@code size × size} crop of {@code image} into {@code dst}; random crops draw from {@code rng}. */
    void apply(FloatImage image, SplittableRandom rng, float[] dst);

    /** torchvision's Resize(resize) + CenterCrop(size): the shorter side to {@code resize}, then the centre. */
    record Centre(int resize, int size) implements ImageCrop {
        public Centre {
            if (size <= 0 || resize < size) throw new IllegalArgumentException("need 0 < size <= resize, got resize " + resize + ", size " + size);
        }

        @Override
        public void apply(FloatImage image, SplittableRandom rng, float[] dst) {
            Preprocessing.resizeAndCentreCrop(image, resize, size, size, Interpolation.BILINEAR, dst);
        }
    }

    /**
     * torchvision's RandomResizedCrop(size, scale, ratio): a box of random area fraction in [minScale, maxScale] and
     * log-uniform aspect ratio in [minRatio, maxRatio] of the whole image (10 tries, then torchvision's central
     * fallback), resized to size × size.
     */
    record RandomResized(int size, double minScale, double maxScale, double minRatio, double maxRatio) implements ImageCrop {
        public RandomResized {
            if (size <= 0) throw new IllegalArgumentException("size must be positive, got " + size);
            if (!(0 < minScale && minScale <= maxScale && maxScale <= 1)) throw new IllegalArgumentException("need 0 < minScale <= maxScale <= 1, got " + minScale + ", " + maxScale);
            if (!(0 < minRatio && minRatio <= maxRatio)) throw new IllegalArgumentException("need 0 < minRatio <= maxRatio, got " + minRatio + ", " + maxRatio);
        }

        /** torchvision's defaults: scale (0.08, 1), ratio (3/4, 4/3). */
        public static RandomResized standard(int size) {
            return new RandomResized(size, 0.08, 1.0, 3.0 / 4, 4.0 / 3);
        }

        @Override
        public void apply(FloatImage image, SplittableRandom rng, float[] dst) {
            int[] box = box(image.height(), image.width(), rng);
            Preprocessing.resizedCrop(image, box[0], box[1], box[2], box[3], size, size, Interpolation.BILINEAR, dst);
        }

        /** {top, left, height, width} of the crop in an h × w image (torchvision's get_params). */
        int[] box(int h, int w, SplittableRandom rng) {
            double area = (double) h * w, logLo = Math.log(minRatio), logHi = Math.log(maxRatio);
            for (int attempt = 0; attempt < 10; attempt++) {
                double target = area * (minScale + (maxScale - minScale) * rng.nextDouble());
                double ratio = Math.exp(logLo + (logHi - logLo) * rng.nextDouble());
                int cw = (int) Math.rint(Math.sqrt(target * ratio)), ch = (int) Math.rint(Math.sqrt(target / ratio));
                if (cw > 0 && cw <= w && ch > 0 && ch <= h) return new int[]{rng.nextInt(h - ch + 1), rng.nextInt(w - cw + 1), ch, cw};
            }
            double inRatio = (double) w / h;
            int cw = w, ch = h;
            if (inRatio < minRatio) ch = (int) Math.rint(w / minRatio);
            else if (inRatio > maxRatio) cw = (int) Math.rint(h * maxRatio);
            return new int[]{(h - ch) / 2, (w - cw) / 2, ch, cw};
        }
    }
}
