package dev.jdnn.training.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The CIFAR "binary version" files (https://www.cs.toronto.edu/~kriz/cifar.html): fixed-size records of label
 * byte(s) followed by 3072 pixel bytes (1024 red, 1024 green, 1024 blue, each 32×32 row-major) — CHW already.
 * CIFAR-10 records have one label byte; CIFAR-100 records have a coarse and then a fine label byte.
 */
public final class CifarReader {
    public static final int IMAGE_BYTES = 3 * 32 * 32;

    private CifarReader() {}

    /** Which label a CIFAR-100 record supplies; CIFAR-10 has only one. */
    public enum Variant {
        CIFAR10(1, 0), CIFAR100_FINE(2, 1), CIFAR100_COARSE(2, 0);

        final int labelBytes;
        final int labelIndex;

        Variant(int labelBytes, int labelIndex) {
            this.labelBytes = labelBytes;
            this.labelIndex = labelIndex;
        }

        public int recordBytes() {
            return labelBytes + IMAGE_BYTES;
        }
    }

    /**
     * Reads and concatenates the records of {@code files}; labels are checked against {@code numClasses}. Each
     * file must be a positive whole number of records; all of them together at most 2 GiB of pixels.
     */
    public static ByteImageDataset read(List<Path> files, Variant variant, List<String> classNames) {
        byte[][] contents = new byte[files.size()][];
        long records = 0;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            byte[] data;
            try (BinaryFiles.Source in = BinaryFiles.open(file)) {
                data = in.readRest(variant + " records");
            }
            long whole = data.length / variant.recordBytes() * (long) variant.recordBytes();
            if (whole != data.length || data.length == 0) {
                throw new DataFormatException(file, whole, "file is truncated or not a " + variant + " batch: " + data.length
                        + " bytes is not a positive multiple of the " + variant.recordBytes() + "-byte record");
            }
            contents[f] = data;
            records += data.length / variant.recordBytes();
            if (records * IMAGE_BYTES > BinaryFiles.MAX_ARRAY_BYTES) {
                throw new DataFormatException(file, whole, "the " + records + " records read up to here hold more pixels than the "
                        + BinaryFiles.MAX_ARRAY_BYTES + " bytes one Java array holds; data sets over 2 GiB are not supported");
            }
        }
        int count = (int) records;
        byte[] pixels = new byte[count * IMAGE_BYTES];
        int[] labels = new int[count];
        int i = 0;
        for (int f = 0; f < files.size(); f++) {
            byte[] data = contents[f];
            for (int off = 0; off < data.length; off += variant.recordBytes(), i++) {
                int label = data[off + variant.labelIndex] & 0xFF;
                if (label >= classNames.size()) {
                    throw new DataFormatException(files.get(f), off + variant.labelIndex, "label " + label + " is outside [0, " + classNames.size() + ") — is this really a " + variant + " file?");
                }
                labels[i] = label;
                System.arraycopy(data, off + variant.labelBytes, pixels, i * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        return new ByteImageDataset(pixels, labels, 3, 32, 32, classNames);
    }
}
