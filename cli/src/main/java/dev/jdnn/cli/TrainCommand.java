package dev.jdnn.cli;

import dev.jdnn.networks.Module;
import dev.jdnn.training.data.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jdnn train}: trains a zoo model from scratch. With no options: resnet20 on Fashion-MNIST, 6,000 training
 * images, 2 epochs — a few minutes on a 2-core CPU, CUDA when available.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model from the zoo (default: resnet20 on Fashion-MNIST, a short run).")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "resnet20", description = "Zoo model name (see 'jdnn models'; default: ${DEFAULT-VALUE}).")
    String model;

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
            Dataset train = data.open(true, hyper.limit), test = data.open(false, data.testLimit);
            Module m = ZooModels.create(model, train.numClasses(), train.channels(), train.height(), train.width());
            return TrainingRun.execute(spec.commandLine(), hyper, data, run,
                    new TrainingRun.Setup(model, m, train, test, Map.of("command", "train")));
        });
    }
}
