package dev.jdnn.training.checkpoint;

import java.nio.file.Path;

/** A file that is not valid safetensors: names the file, the byte offset and what was wrong. */
public final class SafeTensorsFormatException extends RuntimeException {
    public SafeTensorsFormatException(Path file, long offset, String problem) {
        super(file + ": not a valid safetensors file: " + problem + " (at byte offset " + offset + ")");
    }
}
