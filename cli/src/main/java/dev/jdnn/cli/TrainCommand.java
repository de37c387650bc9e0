package dev.jdnn.cli;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.models.Models;
import dev.jdnn.training.data.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jdnn train}: trains a zoo model from scratch; an epoch is the whole training set unless --limit says
 * otherwise. With no arguments at all it runs the demo: resnet20 on the first {@value #DEMO_LIMIT} Fashion-MNIST
 * training images, 2 epochs — a few minutes on a 2-core CPU, CUDA when available — and says so first.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model from the zoo.",
                "With no arguments: a short demo (resnet20 on " + TrainCommand.DEMO_LIMIT + " of Fashion-MNIST's 60,000 training images, 2 epochs)."})
public final class TrainCommand implements Callable<Integer> {
    static final int DEMO_LIMIT = 6000;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "resnet20", description = "Zoo model name (see 'jdnn models'; default: ${DEFAULT-VALUE}).")
    String model;

    @Mixin
    RunOptions run;

    @Mixin
    DataOptions data;

    @Mixin
    TrainingDataOptions trainingData;

    @Mixin
    HyperOptions hyper;

    /**
     * True when {@code train} was given no option at all. The parse result's own matches, not {@code originalArgs()}:
     * those are the whole command line, which always holds "train" itself.
     */
    boolean isDemo() {
        return spec.commandLine().getParseResult().matchedArgs().isEmpty();
    }

    /** With no arguments at all: the demo's subset, announced on the first line of output. */
    void applyDemo() {
        if (!isDemo()) return;
        hyper.limit = DEMO_LIMIT;
        spec.commandLine().getOut().printf("demo run: %s on the first %,d of Fashion-MNIST's training images, %d epochs "
                + "(give any option, e.g. --limit 0, to train on the whole set; --help lists them)%n", model, DEMO_LIMIT, hyper.epochs);
        spec.commandLine().getOut().flush();
    }

    @Override
    public Integer call() {
        return CliSupport.run(spec.commandLine(), run.verbose, () -> {
            applyDemo();
            run.validate();
            Models.get(model);
            hyper.applyModelDefaults(model);
            hyper.validate();
            trainingData.validate(data, model);
            Dataset train = trainingData.open(data, model, hyper.limit), test = data.openTest();
            Layer m = Models.get(model).create(train.numClasses(), train.channels(), train.height(), train.width());
            return TrainingRun.execute(spec.commandLine(), hyper, data, trainingData, run,
                    new TrainingRun.Setup(model, m, train, test, Map.of("command", "train")));
        });
    }
}
