package dev.jdnn.cli;

import dev.jdnn.training.TrainingDivergedException;
import dev.jdnn.training.checkpoint.CheckpointMismatchException;
import dev.jdnn.training.checkpoint.SafeTensorsFormatException;
import dev.jdnn.training.data.DataFormatException;
import dev.jdnn.training.data.DatasetNotFoundException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/**
 * Runs a command body and turns failures into one or two plain lines on stderr and a non-zero exit code:
 * 1 for bad data, files or a failed run, 2 for bad usage. Stack traces only with --verbose.
 */
final class CliSupport {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    private CliSupport() {}

    static int run(CommandLine cmd, boolean verbose, Callable<Integer> body) {
        PrintWriter err = cmd.getErr();
        try {
            return body.call();
        } catch (CommandLine.ParameterException e) {
            throw e; // picocli prints these with the usage hint
        } catch (CliFailure e) {
            return fail(err, verbose, e, e.getMessage(), e.exitCode);
        } catch (IllegalArgumentException e) {
            return fail(err, verbose, e, e.getMessage(), EXIT_USAGE);
        } catch (DatasetNotFoundException | DataFormatException | CheckpointMismatchException | SafeTensorsFormatException
                 | TrainingDivergedException | UncheckedIOException e) {
            return fail(err, verbose, e, e.getMessage(), EXIT_FAILURE);
        } catch (Exception e) {
            // Not a failure the code anticipated: a bug, or a library's exception.
            return fail(err, verbose, e, reason(e) + " (unexpected; --verbose shows where)", EXIT_FAILURE);
        } catch (OutOfMemoryError e) {
            boolean batched = cmd.getCommandSpec().findOption("--batch-size") != null;
            return fail(err, verbose, e, "out of memory (" + e.getMessage() + "): give the JVM more with JDNN_JAVA_OPTS=-Xmx<size>"
                    + (batched ? " or use a smaller --batch-size" : ""), EXIT_FAILURE);
        }
    }

    /**
     * What went wrong, for a line a user reads: the throwable's message, never its class name ("an unexpected
     * internal error" when it has none).
     */
    static String reason(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? "an unexpected internal error" : e.getMessage();
    }

    private static int fail(PrintWriter err, boolean verbose, Throwable e, String message, int code) {
        err.println("jdnn: error: " + message);
        if (verbose) e.printStackTrace(err);
        else err.println("jdnn: (run with --verbose for details)");
        err.flush();
        return code;
    }
}
