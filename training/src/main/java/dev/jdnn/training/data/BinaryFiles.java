package dev.jdnn.training.data;

import dev.jdnn.training.io.IoErrors;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the binary data files (IDX, CIFAR), transparently un-gzipping them, so that no header can make a reader
 * allocate more than the file can hold: every size a header declares is computed with overflow-checked arithmetic
 * ({@link #product}) and checked against the most bytes the file can yield ({@link Source#read}) before an array is
 * allocated. That bound is the file's length, or for a gzip file 1032 × its length (deflate's largest expansion).
 * Errors are {@link DataFormatException}s naming the file and the byte offset.
 */
final class BinaryFiles {
    /** The largest byte array a JVM allocates (a few words below Integer.MAX_VALUE); larger data files are refused. */
    static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;
    /** Deflate never expands more than 1032:1 (RFC 1951's longest match per fewest bits), so gzip output is bounded. */
    static final long MAX_GZIP_RATIO = 1032;

    private BinaryFiles() {}

    /** An open data file: its (decompressed) bytes from the start, and the most bytes it can possibly yield. */
    static final class Source implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final boolean gzip;
        private final long length, maxBytes;
        private long position;

        private Source(Path file, InputStream in, boolean gzip, long length) {
            this.file = file;
            this.in = in;
            this.gzip = gzip;
            this.length = length;
            this.maxBytes = !gzip ? length : length > Long.MAX_VALUE / MAX_GZIP_RATIO ? Long.MAX_VALUE : length * MAX_GZIP_RATIO;
        }

        /**
         * The next {@code count} bytes, which must start at {@code offset} (the readers read front to back).
         * {@code what} describes them for the error: "3 images of 28x28".
         */
        byte[] read(long offset, long count, String what) {
            if (offset != position) throw new IllegalStateException("reads must be sequential: at " + position + ", asked for " + offset);
            if (count > maxBytes - offset) {
                throw new DataFormatException(file, gzip ? offset : length, gzip
                        ? "file is truncated or its header is corrupt: " + what + " needs bytes " + offset + ".." + (offset + count)
                                + " but a " + length + "-byte gzip file decompresses to at most " + maxBytes
                        : "file is truncated: " + what + " needs bytes " + offset + ".." + (offset + count) + " but the file has " + length);
            }
            if (count > MAX_ARRAY_BYTES) throw tooLarge(offset, count + " bytes", what);
            byte[] out = readUpTo((int) count);
            if (out.length < count) {
                throw new DataFormatException(file, position, "file is truncated: " + what + " needs bytes " + offset + ".." + (offset + count)
                        + " but the " + (gzip ? "decompressed data has " : "file has ") + position);
            }
            return out;
        }

        /** Everything from the current position to the end, refused beyond {@link #MAX_ARRAY_BYTES}. */
        byte[] readRest(String what) {
            if (!gzip && length - position > MAX_ARRAY_BYTES) throw tooLarge(position, (length - position) + " bytes", what);
            long start = position;
            byte[] out = readUpTo((int) MAX_ARRAY_BYTES);
            if (out.length == MAX_ARRAY_BYTES && readUpTo(1).length > 0) throw tooLarge(start, "more than " + MAX_ARRAY_BYTES + " bytes", what);
            return out;
        }

        /** Up to {@code n} bytes; fewer only at the end of the data. Only what the stream yields is allocated. */
        private byte[] readUpTo(int n) {
            try {
                byte[] out = in.readNBytes(n);
                position += out.length;
                return out;
            } catch (EOFException | ZipException e) {
                throw new DataFormatException(file, position, "gzip stream is truncated or corrupt (" + e.getMessage() + "); offsets count decompressed bytes");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + IoErrors.reason(e), e);
            }
        }

        private DataFormatException tooLarge(long offset, String amount, String what) {
            return new DataFormatException(file, offset, what + " take " + amount + "; one Java array holds at most " + MAX_ARRAY_BYTES
                    + " bytes, so data files over 2 GiB are not supported");
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // read-only: nothing was lost
            }
        }
    }

    /**
     * Opens {@code file}: gzip when it starts with the gzip magic bytes 1f 8b. A name ending in ".gz" must be gzip.
     */
    static Source open(Path file) {
        if (!Files.isRegularFile(file)) throw new DatasetNotFoundException("data file not found: " + file);
        InputStream raw = null;
        try {
            long length = Files.size(file);
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            raw.mark(2);
            int b0 = raw.read(), b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            if (!gzip && file.getFileName().toString().endsWith(".gz")) {
                throw new DataFormatException(file, 0, "not a gzip file: the name ends in .gz but the file does not start with gzip's magic bytes 1f 8b"
                        + (b0 < 0 ? " (it is empty)" : " (it starts with %02x %02x)".formatted(b0, Math.max(b1, 0))));
            }
            InputStream in = raw;
            if (gzip) {
                try {
                    in = new GZIPInputStream(raw, 1 << 16);
                } catch (EOFException | ZipException e) {
                    throw new DataFormatException(file, 0, "corrupt gzip header (" + e.getMessage() + ")");
                }
            }
            return new Source(file, in, gzip, length);
        } catch (IOException e) {
            closeQuietly(raw);
            throw new UncheckedIOException("cannot read " + file + ": " + IoErrors.reason(e), e);
        } catch (RuntimeException e) {
            closeQuietly(raw);
            throw e;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            if (in != null) in.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    /** Big-endian 32-bit integer at {@code offset} of {@code bytes} (a header already read). */
    static int bigEndianInt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16) | ((bytes[offset + 2] & 0xFF) << 8) | (bytes[offset + 3] & 0xFF);
    }

    /** The product of non-negative sizes, or a {@link DataFormatException} when it does not fit in a long. */
    static long product(Path file, long offset, String what, long... factors) {
        long p = 1;
        for (long f : factors) {
            try {
                p = Math.multiplyExact(p, f);
            } catch (ArithmeticException e) {
                throw new DataFormatException(file, offset, "the size of " + what + " overflows 64-bit arithmetic (the header is corrupt)");
            }
        }
        return p;
    }
}
