package dev.jdnn.training.data;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian magic number
 * 0x00000803 (unsigned bytes, 3 dimensions) for images or 0x00000801 for labels, the dimension sizes, then the data.
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /** Images as [count, rows, cols] unsigned bytes. */
    public record Images(int count, int rows, int cols, byte[] pixels) {}

    public static Images readImages(Path file) {
        byte[] data = BinaryFiles.readAll(file);
        checkMagic(file, data, IMAGES_MAGIC, "images (idx3-ubyte)");
        int count = dimension(file, data, 4, "image count");
        int rows = dimension(file, data, 8, "row count");
        int cols = dimension(file, data, 12, "column count");
        long bytes = (long) count * rows * cols;
        BinaryFiles.requireBytes(file, data, 16, bytes, count + " images of " + rows + "x" + cols);
        return new Images(count, rows, cols, Arrays.copyOfRange(data, 16, Math.toIntExact(16 + bytes)));
    }

    public static int[] readLabels(Path file) {
        byte[] data = BinaryFiles.readAll(file);
        checkMagic(file, data, LABELS_MAGIC, "labels (idx1-ubyte)");
        int count = dimension(file, data, 4, "label count");
        BinaryFiles.requireBytes(file, data, 8, count, count + " labels");
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = data[8 + i] & 0xFF;
        return labels;
    }

    private static void checkMagic(Path file, byte[] data, int expected, String what) {
        int magic = BinaryFiles.bigEndianInt(file, data, 0, "the magic number");
        if (magic != expected) {
            throw new DataFormatException(file, 0, "bad magic number 0x%08x, expected 0x%08x for IDX %s".formatted(magic, expected, what));
        }
    }

    private static int dimension(Path file, byte[] data, int offset, String what) {
        int d = BinaryFiles.bigEndianInt(file, data, offset, "the " + what);
        if (d < 0) throw new DataFormatException(file, offset, "negative " + what + " " + d);
        return d;
    }
}
