package dev.jdnn.cli;

import dev.jdnn.networks.Module;
import dev.jdnn.training.checkpoint.LoadReport;
import dev.jdnn.training.data.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jdnn finetune}: loads weights, gives the model a new classifier for the data set's classes, and trains
 * everything ({@code all}), only the last stage and the head ({@code last}), or only the head ({@code head}); frozen
 * parts get no gradients or optimizer state and their BN layers stay in evaluation mode.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Fine-tune pretrained weights on a data set with a new classifier head.")
public final class FinetuneCommand implements Callable<Integer> {
    static final List<String> MODES = List.of("all", "last", "head");

    @Spec
    CommandSpec spec;

    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "Pretrained weights (.safetensors, torchvision key names).")
    Path weights;

    @Option(names = "--model", required = true, description = "Zoo model the weights belong to.")
    String model;

    @Option(names = "--mode", defaultValue = "all", description = "all, last (last stage + head) or head (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--strict", description = "Fail when any non-head key of the weights is missing, unexpected or mis-shaped.")
    boolean strict;

    @Option(names = "--head-lr", paramLabel = "LR", description = "Learning rate of the new head (and auxiliary heads); default: --lr.")
    Double headLr;

    @Mixin
    RunOptions run;

    @Mixin
    DataOptions data;

    @Mixin
    HyperOptions hyper;

    @Override
    public Integer call() {
        return CliSupport.run(spec.commandLine(), run.verbose, () -> {
            run.validate();
            ZooModels.requireKnown(model);
            hyper.applyModelDefaults(model);
            hyper.validate();
            data.validateForTraining(model);
            if (headLr != null) OptionChecks.positive("--head-lr", headLr, "the size of each update of the new head");
            if (!MODES.contains(mode)) throw new IllegalArgumentException("unknown --mode '" + mode + "'; valid: " + MODES);
            if (!java.nio.file.Files.isRegularFile(weights)) throw new CliFailure("weights file not found: " + weights);
            Dataset train = data.open(true, hyper.limit), test = data.open(false, data.testLimit);
            Module m = ZooModels.create(model, train.numClasses(), train.channels(), train.height(), train.width());
            freeze(m);
            var out = spec.commandLine().getOut();
            return TrainingRun.execute(spec.commandLine(), hyper, data, run, new TrainingRun.Setup(model, m, train, test,
                    Map.of("command", "finetune", "weights", weights.toString(), "mode", mode, "strict", strict),
                    compiled -> {
                        if (hyper.resume != null) return; // the checkpoint holds everything
                        LoadReport r = ZooModels.loadBackbone(weights, compiled, strict);
                        out.printf("loaded %d tensors from %s; new head %s for %d classes (mode %s)%n", r.loaded(), weights,
                                ModelHeads.head(m), train.numClasses(), mode);
                        for (String p : r.problems()) out.println("warning: " + p);
                    }, ModelHeads.classDependent(m), headLr));
        });
    }

    private void freeze(Module m) {
        if (mode.equals("all")) return;
        m.freeze();
        List<String> trainable = new java.util.ArrayList<>(ModelHeads.classDependent(m));
        if (mode.equals("last")) trainable.add(ModelHeads.lastStage(m));
        for (String path : trainable) m.module(path).unfreeze();
    }
}
