package dev.jdnn.training.data;

import dev.jdnn.networks.models.Normalization;
/**
 * The standard augmentations, with torchvision's semantics:
 * RandomCrop(size, padding) with zero padding, RandomHorizontalFlip(p), RandomResizedCrop(size, scale, ratio)
 * with bilinear resampling, and Normalize(mean, std).
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

    /** RandomResizedCrop with torchvision's defaults: scale (0.08, 1), ratio (3/4, 4/3). */
    public static Transform randomResizedCrop() {
        return randomResizedCrop(0.08, 1.0, 3.0 / 4, 4.0 / 3);
    }

    /**
     * Picks a region of random area fraction in [minScale, maxScale] and log-uniform aspect ratio in
     * [minRatio, maxRatio] (10 tries, then the centre crop torchvision falls back to) and resizes it to the full size.
     */
    public static Transform randomResizedCrop(double minScale, double maxScale, double minRatio, double maxRatio) {
        return (img, rng) -> {
            int h = img.height(), w = img.width();
            double area = (double) h * w;
            double logLo = Math.log(minRatio), logHi = Math.log(maxRatio);
            for (int attempt = 0; attempt < 10; attempt++) {
                double target = area * (minScale + (maxScale - minScale) * rng.nextDouble());
                double ratio = Math.exp(logLo + (logHi - logLo) * rng.nextDouble());
                int cw = (int) Math.round(Math.sqrt(target * ratio)), ch = (int) Math.round(Math.sqrt(target / ratio));
                if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
                    int top = rng.nextInt(h - ch + 1), left = rng.nextInt(w - cw + 1);
                    resizeRegion(img, top, left, ch, cw);
                    return;
                }
            }
            double inRatio = (double) w / h;
            int cw = w, ch = h;
            if (inRatio < minRatio) ch = (int) Math.round(w / minRatio);
            else if (inRatio > maxRatio) cw = (int) Math.round(h * maxRatio);
            resizeRegion(img, (h - ch) / 2, (w - cw) / 2, ch, cw);
        };
    }

    private static void resizeRegion(Transform.ImageBuffer img, int top, int left, int ch, int cw) {
        Resampler.bilinear(img.data(), img.channels(), img.height(), img.width(), top, left, ch, cw, img.scratch(), img.height(), img.width());
        img.commitScratch();
    }

    /** x' = (x - mean[c]) / std[c]; the statistics must have one entry per image channel. */
    public static Transform normalize(Normalization n) {
        return (img, rng) -> {
            if (n.channels() != img.channels()) {
                throw new IllegalArgumentException("normalisation has " + n.channels() + " channels but the image has " + img.channels());
            }
            float[] d = img.data();
            int plane = img.height() * img.width();
            for (int c = 0; c < img.channels(); c++) {
                float mean = n.mean()[c], std = n.std()[c];
                for (int i = c * plane, end = i + plane; i < end; i++) d[i] = (d[i] - mean) / std;
            }
        };
    }
}
