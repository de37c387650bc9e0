package dev.jdnn.cli;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.backends.Backends;
import picocli.CommandLine.Option;

/** The options every command that runs a model shares (a picocli mixin): where it runs and how errors are shown. */
final class RunOptions {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
            description = "auto (CUDA device 0 when usable, else the CPU), cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--deterministic", description = "Repeatable GPU runs: only deterministic cuDNN algorithms, chosen by cuDNN's "
            + "heuristics rather than timing (slower). Off by default (fastest). The CPU backend is always deterministic.")
    boolean deterministic;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    /** Checks --device before any data is read, so a typo fails fast. */
    void validate() {
        Backends.validate(device);
    }

    /** Whether runs on {@code backend} repeat bit for bit: the CPU backend always does, CUDA with --deterministic. */
    boolean deterministicOn(Backend backend) {
        return deterministic || !backend.device().isCuda();
    }

    /** For the run header: on or off, and why. */
    String determinism(Backend backend) {
        if (!backend.device().isCuda()) return "on (the CPU backend always is)";
        return deterministic ? "on (--deterministic: deterministic cuDNN algorithms)" : "off (fastest algorithms; --deterministic for repeatable runs)";
    }

    /**
     * The backend for --device, in the mode --deterministic asks for; a CUDA device that cannot run here is a
     * user-facing failure naming why.
     */
    Backend openBackend() {
        try {
            return Backends.open(device, deterministic);
        } catch (IllegalStateException e) {
            throw new CliFailure("--" + e.getMessage() + " (use --device cpu)");
        }
    }
}
