package dev.jdnn.training.checkpoint;

import dev.jdnn.training.io.IoErrors;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a file so that readers only ever see the old complete file or the new complete one: the content goes to
 * a temporary file in the same directory (same file system, so the rename is atomic), is forced to disk, and is
 * renamed over the target. Any failure on the way deletes the temporary file and leaves the target untouched.
 *
 * <p>A process killed mid-save cannot delete its temporary file ({@code .<name>.<digits>.tmp}); the next save
 * into that directory does. A writer holds an exclusive lock on its temporary file from creation to rename, and
 * the lock dies with its process, so a temporary file whose lock can be taken is a dead writer's leftover; those of
 * live writers (this JVM's, or another process's) are left alone.
 */
public final class AtomicFiles {
    /** Temporary files of this class: "." + target name + "." + createTempFile's random digits + ".tmp". */
    private static final Pattern TEMP_NAME = Pattern.compile("\\..+\\.[0-9]+\\.tmp");
    /** This JVM's saves in progress: never probed by the clean-up (closing a probe's channel would drop their lock). */
    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

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
            removeLeftovers(dir);
            for (int attempt = 0; temp == null; attempt++) {
                temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
                IN_PROGRESS.add(temp);
                readableByAll(temp); // temp files are created owner-only; the result is an ordinary data file
                try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                     FileLock lock = ch.lock()) {
                    if (!Files.exists(temp)) {
                        // Another process's clean-up took it for a leftover between its creation and our lock: start over.
                        if (attempt == 2) throw new IOException("its temporary file was removed three times while being created");
                        IN_PROGRESS.remove(temp);
                        temp = null;
                        continue;
                    }
                    writer.write(ch);
                    ch.force(true);
                    try {
                        Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); // under the lock
                    } catch (AtomicMoveNotSupportedException e) {
                        throw new IOException("the file system of " + dir + " cannot rename atomically, refusing a non-atomic save", e);
                    }
                }
            }
            IN_PROGRESS.remove(temp);
            temp = null;
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + abs + ": " + IoErrors.reason(e), e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
                IN_PROGRESS.remove(temp);
            }
        }
    }

    /**
     * Deletes the temporary files that saves killed mid-write left in {@code dir}: those no live writer holds
     * locked. Returns how many were deleted. Called by every save; harmless to call at any time.
     */
    public static int removeLeftovers(Path dir) {
        List<Path> candidates;
        try (Stream<Path> s = Files.list(dir)) {
            candidates = s.filter(p -> TEMP_NAME.matcher(p.getFileName().toString()).matches() && !IN_PROGRESS.contains(p)).toList();
        } catch (IOException e) {
            return 0; // an unlistable directory: the save itself will report what is wrong
        }
        int removed = 0;
        for (Path p : candidates) {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE); FileLock lock = ch.tryLock()) {
                if (lock != null) {
                    Files.delete(p); // while locked: a writer that was just about to lock it sees it gone and starts over
                    removed++;
                }
            } catch (IOException | OverlappingFileLockException e) {
                // gone already, not ours to open, or held: leave it
            }
        }
        return removed;
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
