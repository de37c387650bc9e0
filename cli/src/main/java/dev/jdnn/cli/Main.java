package dev.jdnn.cli;

import dev.jdnn.benchmarks.BenchRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jdnn} command line. Sub-commands live in this package, one class each; {@code bench} in the benchmarks module. */
@Command(name = "jdnn", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train and run convolutional image classifiers on one NVIDIA GPU (cuDNN/cuBLAS via FFM) or on the CPU.",
        subcommands = {CommandLine.HelpCommand.class, InfoCommand.class, ModelsCommand.class, TrainCommand.class,
                EvalCommand.class, PredictCommand.class, FinetuneCommand.class, BenchRunner.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    /** The version the jar was built as (its manifest's Implementation-Version), or "development build". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"jdnn " + (v != null ? v : "(development build)")};
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
