package dev.jdnn.training.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers only ever see the old complete file or the new complete one: the content goes to
 * a temporary file in the same directory (same file system, so the rename is atomic), is forced to disk, and is
 * renamed over the target. Any failure on the way deletes the temporary file and leaves the target untouched.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** What writes the content; may throw at any point. */
    @FunctionalInterface
    public interface ChannelWriter {
        void write(FileChannel out) throws IOException;
    }

    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, ChannelWriter writer) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            readableByAll(temp); // temp files are created owner-only; the result is an ordinary data file
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.write(ch);
                ch.force(true);
            }
            try {
                Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically, refusing a non-atomic save", e);
            }
            temp = null;
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + abs + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) deleteQuietly(temp);
        }
    }

    /** Convenience for stream-based writers (text, images); the stream must not be closed by the writer. */
    public static void writeStream(Path target, StreamWriter writer) {
        write(target, ch -> {
            OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            writer.write(out);
            out.flush();
        });
    }

    public static void writeString(Path target, String content) {
        writeStream(target, out -> out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static void readableByAll(Path p) throws IOException {
        if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Makes the rename itself durable (Linux needs the directory fsync'ed); not all platforms allow it. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort: the data itself is already on disk
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing more we can do; the name starts with '.' and ends in .tmp
        }
    }
}
