package dev.jdnn.cli;

import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.Models;
import dev.jdnn.networks.models.TrainingRecipe;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.training.optim.GroupRules;
import dev.jdnn.training.optim.LrSchedule;
import dev.jdnn.training.optim.Optimizer;
import dev.jdnn.training.optim.Optimizers;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Training hyper-parameters and run options shared by train and finetune. */
final class HyperOptions {
    static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw");

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = {"-b", "--batch-size"}, description = "Images per step (default: the model's recipe: 128; 32 for lenet5 and lenet5_28).")
    Integer batchSize;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd, adam or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", description = "Base learning rate (default: 0.1 for sgd (0.05 for lenet5 and lenet5_28), 0.001 for adam/adamw).")
    Double lr;

    /** The SGD learning rate used when --lr is not given; set from the model by {@link #applyModelDefaults}. */
    private double defaultSgdLr = TrainingRecipe.GENERAL.sgdLr();

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum, Nesterov (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", description = "Weight decay, not applied to biases and BN parameters (default: 5e-4 for sgd, 0 for adam, 0.01 for adamw).")
    Double weightDecay;

    @Option(names = "--schedule", defaultValue = "cosine", description = "constant, step, cosine or onecycle (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--lr-warmup-epochs", paramLabel = "E",
            description = "Epochs of linear learning-rate warm-up from 0 before the schedule (fractions allowed; not with onecycle, which has its own) "
                    + "(default: 1 for cosine, at most 10% of the run; 0 otherwise).")
    Double lrWarmupEpochs;

    @Option(names = "--label-smoothing", defaultValue = "0", description = "Label smoothing epsilon (default: ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Option(names = "--max-grad-norm", defaultValue = "0", description = "Clip gradients to this global norm (0 = off; default: ${DEFAULT-VALUE}).")
    double maxGradNorm;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of initialisation, data order and augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Train on only the first N training images (0 = all: an epoch is the whole training set; default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-j", "--workers"}, defaultValue = "2", description = "Data loader threads (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = {"--out", "--output-dir"}, paramLabel = "DIR", description = "Output directory (default: runs/<model>-<timestamp>/, or the checkpoint's directory with --resume).")
    Path out;

    @Option(names = "--resume", paramLabel = "CKPT", description = "Continue the run saved in this last.ckpt, with the same options (its config.json lists them; "
            + "a different one is refused). --epochs may differ only with --schedule constant, where that equals a run started with the new count.")
    Path resume;

    /** Fills what the user left open with the model's recipe ({@link TrainingRecipe}); call before {@link #validate}. */
    void applyModelDefaults(String model) {
        TrainingRecipe r = Models.get(model).recipe();
        if (batchSize == null) batchSize = r.batchSize();
        defaultSgdLr = r.sgdLr();
    }

    void validate() {
        if (batchSize == null) throw new IllegalStateException("applyModelDefaults must run before validate");
        OptionChecks.atLeast("--epochs", epochs, 1, "passes over the training data");
        OptionChecks.atLeast("--batch-size", batchSize, 1, "images per step");
        if (!OPTIMIZERS.contains(optimizer.toLowerCase(Locale.ROOT))) throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; valid: " + OPTIMIZERS);
        if (!LrSchedule.NAMES.contains(schedule.toLowerCase(Locale.ROOT))) throw new IllegalArgumentException("unknown schedule '" + schedule + "'; valid: " + LrSchedule.NAMES);
        OptionChecks.positive("--lr", effectiveLr(), "the size of each update");
        OptionChecks.fraction("--momentum", momentum, "the fraction of the previous update kept; 0 is plain SGD");
        OptionChecks.nonNegative("--weight-decay", effectiveWeightDecay(), "a pull of the weights towards 0; negative would push them away");
        OptionChecks.fraction("--label-smoothing", labelSmoothing, "the probability mass spread over the other classes");
        OptionChecks.nonNegative("--max-grad-norm", maxGradNorm, "the largest gradient norm kept; 0 turns clipping off");
        OptionChecks.atLeast("--limit", limit, 0, "how many training images to use; 0 is all");
        OptionChecks.between("--workers", workers, 1, 256, "data loader threads");
        if (lrWarmupEpochs != null && !(lrWarmupEpochs >= 0 && lrWarmupEpochs <= epochs)) {
            throw new IllegalArgumentException("--lr-warmup-epochs must be between 0 and --epochs (" + epochs + "), got " + lrWarmupEpochs);
        }
    }

    /** The learning-rate schedule over the run, with --lr-warmup-epochs when given. */
    LrSchedule schedule(long stepsPerEpoch) {
        return lrWarmupEpochs == null ? LrSchedule.named(schedule, epochs, stepsPerEpoch) : LrSchedule.named(schedule, epochs, stepsPerEpoch, lrWarmupEpochs);
    }

    String optimizerName() {
        return optimizer.toLowerCase(Locale.ROOT);
    }

    double effectiveLr() {
        return lr != null ? lr : optimizerName().equals("sgd") ? defaultSgdLr : 1e-3;
    }

    double effectiveWeightDecay() {
        if (weightDecay != null) return weightDecay;
        return switch (optimizerName()) {
            case "sgd" -> 5e-4;
            case "adamw" -> 0.01;
            default -> 0;
        };
    }

    /** The optimizer over the model's trainable parameters; {@code headLr} (if not null) applies under {@code headPrefixes}. */
    Optimizer createOptimizer(CompiledModel m, List<String> headPrefixes, Double headLr) {
        GroupRules rules = new GroupRules(effectiveLr(), effectiveWeightDecay()).noDecayOnRank1(true);
        if (headLr != null) for (String p : headPrefixes) rules.lrForPrefix(p, headLr);
        OptimizerConfig rule = switch (optimizerName()) {
            case "sgd" -> new OptimizerConfig.Sgd(momentum, 0, effectiveWeightDecay(), momentum > 0);
            case "adam" -> OptimizerConfig.Adam.adam(effectiveWeightDecay());
            default -> OptimizerConfig.Adam.adamw(effectiveWeightDecay());
        };
        return Optimizers.create(m, rules.partition(m.trainableParameters()), rule);
    }
}
