package dev.jdnn.cli;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.ModelSummary;
import dev.jdnn.networks.models.Models;
import dev.jdnn.training.checkpoint.WeightsMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jdnn models}: the zoo's models with parameter counts and multiply-accumulates for one input sample,
 * computed from the architecture alone (nothing is allocated or run).
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the model zoo: parameters and multiply-adds per sample for a given input size.")
public final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "CxHxW", defaultValue = "3x224x224",
            description = "Input sample shape, channels x height x width (default: ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--classes", paramLabel = "N", defaultValue = "1000", description = "Number of classes (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--csv", description = "Print name,params,macs lines instead of a table.")
    boolean csv;

    @Option(names = "--model", paramLabel = "NAME", split = ",", description = "Only these models (comma-separated).")
    List<String> only;

    @Override
    public Integer call() {
        int[] chw;
        try {
            chw = WeightsMetadata.parseChw(input);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--input: " + e.getMessage());
        }
        if (classes < 1) throw new ParameterException(spec.commandLine(), "--classes must be >= 1, got " + classes);
        if (only != null) {
            for (String name : only) {
                if (!Models.names().contains(name)) {
                    throw new ParameterException(spec.commandLine(), "unknown model '" + name + "'; valid names: " + String.join(", ", Models.names()));
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = only == null ? Models.names() : only;
        if (csv) out.println("name,params,macs");
        else out.printf("%-22s %15s %18s%n", "model", "parameters", "multiply-adds");
        for (String name : names) {
            ModelConfig cfg = ModelConfig.of(classes, chw[0], chw[1], chw[2]);
            String params, macs;
            try {
                Layer m = Models.create(name, cfg);
                ModelSummary s = ModelSummary.of(m, chw[0], chw[1], chw[2]);
                params = csv ? Long.toString(s.parameters()) : String.format("%,d", s.parameters());
                macs = csv ? Long.toString(s.macs()) : humanMacs(s.macs());
            } catch (IllegalArgumentException e) {
                // The architecture cannot take this input (e.g. AlexNet's pools at 32x32): say so, keep listing.
                params = "";
                macs = csv ? "" : "n/a (input too small)";
            }
            if (csv) out.println(name + "," + params + "," + macs);
            else out.printf("%-22s %15s %18s%n", name, params, macs);
        }
        out.flush();
        return 0;
    }

    /** 4,089,184,256 → "4.09 G", 40,551,040 → "40.55 M". */
    static String humanMacs(long macs) {
        if (macs >= 1_000_000_000L) return String.format("%.2f G", macs / 1e9);
        if (macs >= 1_000_000L) return String.format("%.2f M", macs / 1e6);
        if (macs >= 1_000L) return String.format("%.2f K", macs / 1e3);
        return Long.toString(macs);
    }
}
