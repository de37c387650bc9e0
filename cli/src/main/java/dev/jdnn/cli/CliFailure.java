package dev.jdnn.cli;

/** An error meant for the user: printed as plain lines on stderr (no stack trace unless --verbose), exit code given. */
final class CliFailure extends RuntimeException {
    final int exitCode;

    CliFailure(String message) {
        this(message, 1);
    }

    CliFailure(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }
}
