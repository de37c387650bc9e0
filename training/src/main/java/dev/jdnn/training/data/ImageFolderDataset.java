package dev.jdnn.training.data;

import dev.jdnn.training.IoErrors;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * torchvision's ImageFolder: {@code root/<class name>/<image>}, classes sorted by name and numbered in that order,
 * files sorted within each class. Images are decoded on demand (javax.imageio: PNG, JPEG, BMP, GIF), converted to
 * RGB, resized so the shorter side is {@code resize} (bilinear) and centre-cropped to {@code size}×{@code size} —
 * torchvision's Resize(resize) + CenterCrop(size). Random crops for training are applied afterwards as augmentation.
 */
public final class ImageFolderDataset implements Dataset {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private final List<String> classNames;
    private final List<Path> files = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();
    private final int resize, size;

    public ImageFolderDataset(Path root, int resize, int size) {
        if (size <= 0 || resize < size) throw new IllegalArgumentException("need 0 < size <= resize, got resize " + resize + ", size " + size);
        if (!Files.isDirectory(root)) throw new DatasetNotFoundException("image folder not found: " + root + " (expected root/<class name>/<image files>)");
        this.resize = resize;
        this.size = size;
        try {
            List<Path> classDirs;
            try (Stream<Path> s = Files.list(root)) {
                classDirs = s.filter(Files::isDirectory).sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
            }
            classNames = classDirs.stream().map(p -> p.getFileName().toString()).toList();
            for (int c = 0; c < classDirs.size(); c++) {
                try (Stream<Path> s = Files.list(classDirs.get(c))) {
                    for (Path f : s.filter(ImageFolderDataset::isImage).sorted().toList()) {
                        files.add(f);
                        labels.add(c);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list image folder " + root + ": " + IoErrors.reason(e), e);
        }
        if (files.isEmpty()) {
            throw new DatasetNotFoundException("no images (" + EXTENSIONS + ") found under " + root + "/<class name>/ — found class folders " + classNames);
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return Files.isRegularFile(p) && dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override public int size() { return files.size(); }
    @Override public List<String> classNames() { return classNames; }
    @Override public int channels() { return 3; }
    @Override public int height() { return size; }
    @Override public int width() { return size; }

    @Override
    public int label(int index) {
        return labels.get(index);
    }

    public Path file(int index) {
        return files.get(index);
    }

    @Override
    public int read(int index, float[] chw) {
        BufferedImage image = decode(files.get(index));
        resizeAndCrop(image, resize, size, chw);
        return labels.get(index);
    }

    /** Resize (shorter side → resize) and centre crop to size×size, in one bilinear pass over the crop's source region. */
    public static void resizeAndCrop(BufferedImage image, int resize, int size, float[] chw) {
        int h = image.getHeight(), w = image.getWidth();
        float[] rgb = toChw(image);
        double scale = (double) resize / Math.min(h, w);
        double region = size / scale; // the crop's extent in source pixels
        double y0 = (h - region) / 2, x0 = (w - region) / 2;
        Resampler.bilinear(rgb, 3, h, w, y0, x0, region, region, chw, size, size);
    }

    /**
     * The most pixels an image may have (64 Mi, e.g. 8192×8192; an 8K photo is 33 M). Decoding takes about 16 bytes
     * per pixel here (ARGB plus three float planes), so a larger image would need gigabytes; it is refused from its
     * header, before anything is decoded.
     */
    public static final long MAX_PIXELS = 1L << 26;

    /**
     * Decodes an image, first reading its dimensions from the header (refused beyond {@link #MAX_PIXELS}); a
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
                throw new DataFormatException(file, at, "corrupt or truncated " + reader.getFormatName() + " image: " + java.util.Objects.requireNonNullElse(e.getMessage(), "the decoder gave no reason"));
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

    /** RGB channels as floats in [0, 1], CHW (grey and paletted images are expanded, alpha dropped). */
    static float[] toChw(BufferedImage image) {
        int h = image.getHeight(), w = image.getWidth(), plane = h * w;
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            out[i] = ((p >> 16) & 0xFF) / 255f;
            out[plane + i] = ((p >> 8) & 0xFF) / 255f;
            out[2 * plane + i] = (p & 0xFF) / 255f;
        }
        return out;
    }
}
