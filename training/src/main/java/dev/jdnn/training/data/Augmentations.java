package dev.jdnn.training.data;

import dev.jdnn.networks.models.Normalization;

/**
 * The standard augmentations of fixed-size images, with torchvision's semantics: RandomCrop(size, padding) with zero
 * padding, RandomHorizontalFlip(p), and Normalize(mean, std). (RandomResizedCrop cuts from the whole decoded image,
 * so image folders apply it while reading: {@link ImageCrop.RandomResized}.)
 */
public final class Augmentations {
    private Augmentations() {}

    /** Zero-pads by {@code pad} on every side, then crops back to the original size at a random position. */
    public static Transform padAndRandomCrop(int pad) {
        if (pad < 0) throw new IllegalArgumentException("padding must be >= 0, got " + pad);
        return (img, rng) -> {
            int h = img.height(), w = img.width();
            // Offsets in the padded image, as torchvision draws them: top in [0, 2·pad], left in [0, 2·pad].
            int dy = rng.nextInt(2 * pad + 1) - pad, dx = rng.nextInt(2 * pad + 1) - pad;
            float[] src = img.data(), dst = img.scratch();
            for (int c = 0; c < img.channels(); c++) {
                for (int y = 0; y < h; y++) {
                    int sy = y + dy, row = (c * h + y) * w;
                    for (int x = 0; x < w; x++) {
                        int sx = x + dx;
                        dst[row + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[(c * h + sy) * w + sx] : 0f;
                    }
                }
            }
            img.commitScratch();
        };
    }

    /** Mirrors left-right with probability {@code p}. */
    public static Transform horizontalFlip(double p) {
        return (img, rng) -> {
            if (rng.nextDouble() >= p) return;
            float[] d = img.data();
            int w = img.width();
            for (int row = 0; row < img.channels() * img.height(); row++) {
                for (int l = row * w, r = l + w - 1; l < r; l++, r--) {
                    float t = d[l];
                    d[l] = d[r];
                    d[r] = t;
                }
            }
        };
    }

    /** x' = (x - mean[c]) / std[c]; the statistics must have one entry per image channel. */
    public static Transform normalize(Normalization n) {
        return (img, rng) -> {
            if (n.channels() != img.channels()) {
                throw new IllegalArgumentException("normalisation has " + n.channels() + " channels but the image has " + img.channels());
            }
            n.apply(img.data(), img.height() * img.width());
        };
    }
}
