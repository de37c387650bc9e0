package dev.jdnn.training.data;

import java.util.List;

/**
 * Images held in memory as unsigned bytes in CHW order, one after the other (MNIST, Fashion-MNIST, CIFAR):
 * 60,000 28×28 images take 47 MB, a quarter of their float size.
 */
public final class ByteImageDataset implements Dataset {
    private final byte[] pixels;
    private final int[] labels;
    private final int channels, height, width;
    private final List<String> classNames;

    public ByteImageDataset(byte[] pixels, int[] labels, int channels, int height, int width, List<String> classNames) {
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException(labels.length + " images of " + channels + "x" + height + "x" + width + " need " + expected + " bytes, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is outside [0, " + classNames.size() + ")");
            }
        }
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classNames = List.copyOf(classNames);
    }

    @Override public int size() { return labels.length; }
    @Override public List<String> classNames() { return classNames; }
    @Override public int channels() { return channels; }
    @Override public int height() { return height; }
    @Override public int width() { return width; }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public int read(int index, float[] chw) {
        int n = sampleSize();
        int base = index * n;
        for (int k = 0; k < n; k++) chw[k] = (pixels[base + k] & 0xFF) / 255f; // as torchvision ToTensor: divide, not multiply
        return labels[index];
    }
}
