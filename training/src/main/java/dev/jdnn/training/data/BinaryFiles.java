package dev.jdnn.training.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads a whole data file into memory, transparently un-gzipping it (by magic bytes, not by name). */
final class BinaryFiles {
    private BinaryFiles() {}

    /** The file's (decompressed) bytes; a truncated or corrupt gzip stream is reported with the offset reached. */
    static byte[] readAll(Path file) {
        if (!Files.isRegularFile(file)) throw new DatasetNotFoundException("data file not found: " + file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            if (!gzip) return raw.readAllBytes();
            return readGzip(file, raw);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readGzip(Path file, InputStream raw) throws IOException {
        var out = new java.io.ByteArrayOutputStream(1 << 20);
        byte[] chunk = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(raw, 1 << 16)) {
            int n;
            while ((n = in.read(chunk)) > 0) out.write(chunk, 0, n);
        } catch (EOFException | ZipException e) {
            throw new DataFormatException(file, out.size(), "gzip stream is truncated or corrupt (" + e.getMessage() + "); offset is in the decompressed data");
        }
        return out.toByteArray();
    }

    /** Big-endian 32-bit integer at {@code offset}, or a clear error when the file ends first. */
    static int bigEndianInt(Path file, byte[] data, int offset, String what) {
        requireBytes(file, data, offset, 4, what);
        return ((data[offset] & 0xFF) << 24) | ((data[offset + 1] & 0xFF) << 16) | ((data[offset + 2] & 0xFF) << 8) | (data[offset + 3] & 0xFF);
    }

    static void requireBytes(Path file, byte[] data, long offset, long count, String what) {
        if (offset + count > data.length) {
            throw new DataFormatException(file, data.length, "file is truncated: " + what + " needs bytes " + offset + ".." + (offset + count) + " but the file has " + data.length);
        }
    }
}
