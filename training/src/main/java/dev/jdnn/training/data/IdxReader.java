package dev.jdnn.training.data;

import java.nio.file.Path;

/**
 * The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian magic number
 * 0x00000803 (unsigned bytes, 3 dimensions) for images or 0x00000801 for labels, the dimension sizes, then the data.
 * The sizes the header declares are checked against what the file can hold before anything is allocated
 * ({@link BinaryFiles}); bytes after the declared data are ignored.
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /** Images as [count, rows, cols] unsigned bytes. */
    public record Images(int count, int rows, int cols, byte[] pixels) {}

    public static Images readImages(Path file) {
        try (BinaryFiles.Source in = BinaryFiles.open(file)) {
            byte[] header = readHeader(file, in, IMAGES_MAGIC, "images (idx3-ubyte)", "image count", "row count", "column count");
            int count = BinaryFiles.bigEndianInt(header, 4), rows = BinaryFiles.bigEndianInt(header, 8), cols = BinaryFiles.bigEndianInt(header, 12);
            String what = count + " images of " + rows + "x" + cols;
            if (rows == 0 || cols == 0) throw new DataFormatException(file, rows == 0 ? 8 : 12, "images of " + rows + "x" + cols + " have no pixels");
            long bytes = BinaryFiles.product(file, 4, what, count, rows, cols);
            return new Images(count, rows, cols, in.read(16, bytes, what));
        }
    }

    public static int[] readLabels(Path file) {
        try (BinaryFiles.Source in = BinaryFiles.open(file)) {
            byte[] header = readHeader(file, in, LABELS_MAGIC, "labels (idx1-ubyte)", "label count");
            int count = BinaryFiles.bigEndianInt(header, 4);
            byte[] data = in.read(8, count, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) labels[i] = data[i] & 0xFF;
            return labels;
        }
    }

    /** Magic number and dimensions (each a non-negative big-endian int), read one field at a time for precise errors. */
    private static byte[] readHeader(Path file, BinaryFiles.Source in, int magic, String kind, String... dims) {
        byte[] header = new byte[4 + 4 * dims.length];
        System.arraycopy(in.read(0, 4, "the magic number"), 0, header, 0, 4);
        int found = BinaryFiles.bigEndianInt(header, 0);
        if (found != magic) {
            throw new DataFormatException(file, 0, "bad magic number 0x%08x, expected 0x%08x for IDX %s".formatted(found, magic, kind));
        }
        for (int i = 0; i < dims.length; i++) {
            int offset = 4 + 4 * i;
            System.arraycopy(in.read(offset, 4, "the " + dims[i]), 0, header, offset, 4);
            int d = BinaryFiles.bigEndianInt(header, offset);
            if (d < 0) throw new DataFormatException(file, offset, "negative " + dims[i] + " " + d);
        }
        return header;
    }
}
