package dev.jdnn.cli;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.backends.Backends;
import picocli.CommandLine.Option;

/** The options every command that runs a model shares (a picocli mixin): where it runs and how errors are shown. */
final class RunOptions {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
            description = "auto (CUDA device 0 when usable, else the CPU), cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    /** Checks --device before any data is read, so a typo fails fast. */
    void validate() {
        Backends.validate(device);
    }

    /** The backend for --device; a CUDA device that cannot run here is a user-facing failure naming why. */
    Backend openBackend() {
        try {
            return Backends.open(device);
        } catch (IllegalStateException e) {
            throw new CliFailure("--" + e.getMessage() + " (use --device cpu)");
        }
    }
}
