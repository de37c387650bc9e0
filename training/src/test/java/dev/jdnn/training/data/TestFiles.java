package dev.jdnn.training.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writers of small data files in the exact on-disk formats, for the reader tests. */
final class TestFiles {
    private TestFiles() {}

    static byte[] idxImages(int count, int rows, int cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.putInt(0x00000803).putInt(count).putInt(rows).putInt(cols).put(pixels);
        return b.array();
    }

    static byte[] idxLabels(int[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(0x00000801).putInt(labels.length);
        for (int l : labels) b.put((byte) l);
        return b.array();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** CIFAR records: label byte(s) then 3072 pixels; pixel k of record r is (r*7 + k) mod 256. */
    static byte[] cifar(int[][] labelBytes) {
        int labelCount = labelBytes[0].length;
        ByteBuffer b = ByteBuffer.allocate(labelBytes.length * (labelCount + 3072));
        for (int r = 0; r < labelBytes.length; r++) {
            for (int l : labelBytes[r]) b.put((byte) l);
            for (int k = 0; k < 3072; k++) b.put((byte) ((r * 7 + k) & 0xFF));
        }
        return b.array();
    }

    static Path write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, data);
    }

    /** {@code head} followed by zeros up to {@code length} bytes, as a sparse file (no disk space for the zeros). */
    static Path sparse(Path file, byte[] head, long length) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(write(file, head).toFile(), "rw")) {
            f.setLength(length);
        }
        return file;
    }
}
