package dev.jdnn.training.data;

import dev.jdnn.networks.models.InputSpec;
import dev.jdnn.networks.models.InputSpec.Interpolation;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * torchvision's evaluation preprocessing for an {@link InputSpec}, computed as torchvision does on float tensors:
 * convert to the model's channels (grey ↔ RGB, {@link FloatImage#withChannels}), resize so the shorter side is
 * {@code resizeSize} (antialiased, {@link InputSpec#interpolation()}; the longer side
 * {@code int(resizeSize · long / short)}), centre-crop (offsets rounded half to even, as Python's {@code round}),
 * normalise. Equal to {@code v2.Compose([ToImage(), ToDtype(float32, scale=True), (Grayscale()), Resize(resize,
 * antialias=True), CenterCrop(crop), Normalize(mean, std)])} within float rounding (tested against it); PIL-image
 * pipelines round to 8 bits after resizing and differ by up to about 1/255 before normalisation. Stateless and
 * thread-safe.
 */
public final class Preprocessing {
    private final InputSpec spec;

    public Preprocessing(InputSpec spec) {
        this.spec = spec;
    }

    public InputSpec spec() {
        return spec;
    }

    /** The model input for an image file. */
    public float[] apply(Path imageFile) {
        return apply(FloatImage.read(imageFile));
    }

    /** The model input for an image. */
    public float[] apply(BufferedImage image) {
        return apply(FloatImage.of(image));
    }

    /** The model input ({@code channels × height × width}, normalised) for an image. */
    public float[] apply(FloatImage image) {
        float[] out = new float[spec.channels() * spec.height() * spec.width()];
        apply(image, out);
        return out;
    }

    /** Writes the model input for {@code image} into {@code dst}. */
    public void apply(FloatImage image, float[] dst) {
        FloatImage img = image.withChannels(spec.channels());
        resizeAndCentreCrop(img, spec.resizeSize(), spec.height(), spec.width(), spec.interpolation(), dst);
        spec.normalization().apply(dst, spec.height() * spec.width());
    }

    /**
     * torchvision's {@code Resize(shorter)} + {@code CenterCrop([cropH, cropW])}, pixels unnormalised; only the kept
     * pixels are computed. The resized image must cover the crop.
     */
    static void resizeAndCentreCrop(FloatImage img, int shorter, int cropH, int cropW, Interpolation filter, float[] dst) {
        int[] size = resizedSize(img.height(), img.width(), shorter);
        if (size[0] < cropH || size[1] < cropW) {
            throw new IllegalArgumentException("a " + img.height() + "x" + img.width() + " image resized to " + size[0] + "x" + size[1]
                    + " is smaller than the " + cropH + "x" + cropW + " crop");
        }
        Resampler.resize(img.data(), img.channels(), img.height(), img.width(), 0, 0, img.height(), img.width(),
                size[0], size[1], centreOffset(size[0], cropH), centreOffset(size[1], cropW), dst, cropH, cropW, filter);
    }

    /** torchvision's {@code resized_crop}: the box [top, top + h) × [left, left + w), resized to outH × outW. */
    static void resizedCrop(FloatImage img, int top, int left, int h, int w, int outH, int outW, Interpolation filter, float[] dst) {
        Resampler.resize(img.data(), img.channels(), img.height(), img.width(), top, left, h, w, outH, outW, 0, 0, dst, outH, outW, filter);
    }

    /** [height, width] after resizing the shorter side to {@code shorter} (torchvision: the longer side truncated). */
    static int[] resizedSize(int h, int w, int shorter) {
        int shortSide = Math.min(h, w), longSide = Math.max(h, w);
        int newLong = (int) ((double) ((long) shorter * longSide) / shortSide);
        return w <= h ? new int[]{newLong, shorter} : new int[]{shorter, newLong};
    }

    /** torchvision's centre-crop offset, {@code int(round((size - crop) / 2))} with Python's half-to-even rounding. */
    static int centreOffset(int size, int crop) {
        return (int) Math.rint((size - crop) / 2.0);
    }
}
