package dev.jdnn.cli;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.models.Models;
import dev.jdnn.networks.models.Trainable;
import dev.jdnn.networks.models.ZooModel;
import dev.jdnn.training.checkpoint.LoadReport;
import dev.jdnn.training.checkpoint.ZooWeights;
import dev.jdnn.training.data.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jdnn finetune}: loads weights, gives the model a new classifier for the data set's classes, and trains
 * everything ({@code all}), only the last stage and the head ({@code last}), or only the head ({@code head}); frozen
 * parts get no gradients or optimizer state and their BN layers stay in evaluation mode. Heads and last stages are
 * the zoo's ({@link ZooModel#heads()}, {@link ZooModel#lastStage()}).
 */
@Command(name = "finetune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fine-tune pretrained weights on a data set with a new classifier head.")
public final class FinetuneCommand implements Callable<Integer> {
    static final Map<String, Trainable> MODES = Map.of("all", Trainable.ALL, "last", Trainable.LAST_STAGE, "head", Trainable.HEAD);

    @Spec
    CommandSpec spec;

    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "Pretrained weights (.safetensors; jdnn's or torchvision's key names).")
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
    TrainingDataOptions trainingData;

    @Mixin
    HyperOptions hyper;

    @Override
    public Integer call() {
        return CliSupport.run(spec.commandLine(), run.verbose, () -> {
            run.validate();
            ZooModel zoo = Models.get(model);
            hyper.applyModelDefaults(model);
            hyper.validate();
            trainingData.validate(data, model);
            if (headLr != null) OptionChecks.positive("--head-lr", headLr, "the size of each update of the new head");
            Trainable trainable = MODES.get(mode);
            if (trainable == null) throw new IllegalArgumentException("unknown --mode '" + mode + "'; valid: [all, last, head]");
            if (!Files.isRegularFile(weights)) throw new CliFailure("weights file not found: " + weights);
            Dataset train = trainingData.open(data, model, hyper.limit), test = data.openTest();
            Layer m = zoo.create(train.numClasses(), train.channels(), train.height(), train.width());
            zoo.freeze(m, trainable);
            var out = spec.commandLine().getOut();
            List<String> heads = zoo.heads(m);
            return TrainingRun.execute(spec.commandLine(), hyper, data, trainingData, run, new TrainingRun.Setup(model, m, train, test,
                    Map.of("command", "finetune", "weights", weights.toString(), "mode", mode, "strict", strict),
                    compiled -> {
                        if (hyper.resume != null) return; // the checkpoint holds everything
                        LoadReport r = ZooWeights.loadBackbone(weights, compiled, zoo, strict);
                        out.printf("loaded %d tensors from %s; new head %s for %d classes (mode %s)%n", r.loaded(), weights,
                                String.join(", ", heads), train.numClasses(), mode);
                        for (String p : r.problems()) out.println("warning: " + p);
                    }, heads, headLr));
        });
    }
}
