package dev.jdnn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jdnn} command line. Sub-commands live in this package, one class each. */
@Command(name = "jdnn", mixinStandardHelpOptions = true, version = "jdnn 0.1.0",
        description = "Train and run convolutional image classifiers on one NVIDIA GPU (cuDNN/cuBLAS via FFM) or on the CPU.",
        subcommands = {CommandLine.HelpCommand.class, InfoCommand.class, ModelsCommand.class, TrainCommand.class,
                EvalCommand.class, PredictCommand.class, FinetuneCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
