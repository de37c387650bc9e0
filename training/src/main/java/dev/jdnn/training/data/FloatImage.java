package dev.jdnn.training.data;

import dev.jdnn.training.io.IoErrors;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * A decoded image as float CHW pixels in [0, 1]: one channel for grey images, three (RGB) otherwise, alpha dropped —
 * what torchvision's {@code ToImage()} + {@code ToDtype(float32, scale=True)} give for a PIL image in mode L or RGB.
 */
public record FloatImage(float[] data, int channels, int height, int width) {
    public FloatImage {
        if (channels < 1 || height < 1 || width < 1 || data.length != channels * height * width) {
            throw new IllegalArgumentException("image data of " + data.length + " floats is not " + channels + "x" + height + "x" + width);
        }
    }

    /** Decodes a PNG, JPEG, BMP or GIF file (javax.imageio); a corrupt file is reported with the byte offset reached. */
    public static FloatImage read(Path file) {
        return of(decode(file));
    }

    /**
     * The pixels of {@code image}. Grey images (any bit depth, with or without alpha) are read from the raster, not
     * through {@link BufferedImage#getRGB}, which would convert their linear grey to sRGB and brighten them.
     */
    public static FloatImage of(BufferedImage image) {
        int h = image.getHeight(), w = image.getWidth(), plane = h * w;
        ColorModel cm = image.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
            Raster raster = image.getRaster();
            float max = (1 << cm.getComponentSize(0)) - 1;
            float[] grey = new float[plane];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) grey[y * w + x] = row[x] / max;
            }
            return new FloatImage(grey, 1, h, w);
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] rgb = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            rgb[i] = ((p >> 16) & 0xFF) / 255f;
            rgb[plane + i] = ((p >> 8) & 0xFF) / 255f;
            rgb[2 * plane + i] = (p & 0xFF) / 255f;
        }
        return new FloatImage(rgb, 3, h, w);
    }

    /**
     * This image with {@code n} channels: grey to RGB repeats the channel (PIL's {@code convert("RGB")}); RGB to
     * grey takes the ITU-R 601 luma 0.2989 R + 0.587 G + 0.114 B (torchvision's {@code Grayscale()} on tensors).
     */
    public FloatImage withChannels(int n) {
        if (n == channels) return this;
        int plane = height * width;
        if (channels == 1 && n == 3) {
            float[] rgb = new float[3 * plane];
            for (int c = 0; c < 3; c++) System.arraycopy(data, 0, rgb, c * plane, plane);
            return new FloatImage(rgb, 3, height, width);
        }
        if (channels == 3 && n == 1) {
            float[] grey = new float[plane];
            for (int i = 0; i < plane; i++) grey[i] = 0.2989f * data[i] + 0.587f * data[plane + i] + 0.114f * data[2 * plane + i];
            return new FloatImage(grey, 1, height, width);
        }
        throw new IllegalArgumentException("cannot convert a " + channels + "-channel image to " + n + " channels (only grey and RGB)");
    }

    /**
     * The most pixels an image may have (64 Mi, e.g. 8192×8192; an 8K photo is 33 M). Decoding takes about 16 bytes
     * per pixel here (ARGB plus three float planes), so a larger image would need gigabytes; it is refused from its
     * header, before anything is decoded.
     */
    public static final long MAX_PIXELS = 1L << 26;

    /**
     * Decodes an image file, first reading its dimensions from the header (refused beyond {@link #MAX_PIXELS}); a
     * corrupt or truncated file is reported with the byte offset the decoder had reached.
     */
    public static BufferedImage decode(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new UncheckedIOException("cannot open " + file, new IOException("ImageIO found no stream for " + file));
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new DataFormatException(file, 0, "not a PNG, JPEG, BMP or GIF image (no decoder recognises its first bytes)");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0), h = reader.getHeight(0);
                if (w < 1 || h < 1 || w * h > MAX_PIXELS) {
                    throw new DataFormatException(file, 0, reader.getFormatName() + " image of " + w + "x" + h + " pixels: "
                            + (w < 1 || h < 1 ? "empty" : "larger than the " + MAX_PIXELS / (1 << 20) + " Mi pixels jdnn decodes; scale it down first"));
                }
                return reader.read(0);
            } catch (IOException | RuntimeException e) {
                if (e instanceof DataFormatException d) throw d;
                long at = safePosition(in);
                throw new DataFormatException(file, at, "corrupt or truncated " + reader.getFormatName() + " image: "
                        + java.util.Objects.requireNonNullElse(e.getMessage(), "the decoder gave no reason"));
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + IoErrors.reason(e), e);
        }
    }

    private static long safePosition(ImageInputStream in) {
        try {
            return in.getStreamPosition();
        } catch (IOException e) {
            return -1;
        }
    }
}
