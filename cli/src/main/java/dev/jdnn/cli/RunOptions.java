package dev.jdnn.cli;

import dev.jdnn.ops.Backend;
import picocli.CommandLine.Option;

import java.util.Locale;

/** The options every command that runs a model shares (a picocli mixin): where it runs and how errors are shown. */
final class RunOptions {
    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--deterministic", description = "Repeatable GPU runs: only deterministic cuDNN algorithms, chosen by cuDNN's "
            + "heuristics rather than timing (slower). Off by default (fastest). The CPU backend is always deterministic.")
    boolean deterministic;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    /** The backend --device names, in the mode --deterministic asks for. */
    Backend openBackend() {
        return Backends.open(device, deterministic);
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

    /** Checks --device before any data is read, so a typo fails fast. */
    void validate() {
        if (!Backends.DEVICES.contains(device.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("unknown device '" + device + "'; valid: " + Backends.DEVICES);
        }
    }
}
