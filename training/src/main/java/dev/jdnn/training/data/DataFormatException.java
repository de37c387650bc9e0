package dev.jdnn.training.data;

import java.nio.file.Path;

/** A data file that does not hold what its format promises: names the file and the byte offset where it went wrong. */
public final class DataFormatException extends RuntimeException {
    private final Path file;
    private final long offset;

    public DataFormatException(Path file, long offset, String problem) {
        super(file + ": " + problem + " (at byte offset " + offset + ")");
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
