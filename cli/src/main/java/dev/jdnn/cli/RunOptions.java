package dev.jdnn.cli;

import picocli.CommandLine.Option;

import java.util.Locale;

/** The options every command that runs a model shares (a picocli mixin): where it runs and how errors are shown. */
final class RunOptions {
    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    /** Checks --device before any data is read, so a typo fails fast. */
    void validate() {
        if (!Backends.DEVICES.contains(device.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("unknown device '" + device + "'; valid: " + Backends.DEVICES);
        }
    }
}
