package dev.jdnn.training.checkpoint;

import java.nio.file.Path;

/** A checkpoint that does not fit the model (strict loading), naming the file and every offending key. */
public final class CheckpointMismatchException extends RuntimeException {
    private final transient LoadReport report;

    public CheckpointMismatchException(Path file, LoadReport report) {
        super(file + " does not match the model: " + String.join("; ", report.problems()));
        this.report = report;
    }

    public CheckpointMismatchException(Path file, String problem) {
        super(file + ": " + problem);
        this.report = null;
    }

    public LoadReport report() {
        return report;
    }
}
