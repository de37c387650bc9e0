package dev.jdnn.cli;

import dev.jdnn.networks.models.Models;
import dev.jdnn.training.data.Augmentations;
import dev.jdnn.training.data.Dataset;
import dev.jdnn.training.data.Transform;
import picocli.CommandLine.Option;

import java.util.Locale;

/** How the training split is read and augmented: train and finetune only. */
final class TrainingDataOptions {
    @Option(names = "--augment", paramLabel = "KIND",
            description = "Training augmentation: standard (the data set's usual random crop / flip; random resized crops for image folders) "
                    + "or none (default: the model's recipe: standard; none for lenet5 and lenet5_28, whose few parameters underfit rather than overfit in short runs).")
    String augment;

    @Option(names = "--per-class", paramLabel = "N", defaultValue = "0",
            description = "Train on only the first N training images of each (selected) class, before --limit (0 = all; default: ${DEFAULT-VALUE}).")
    int perClass;

    /** Fails on bad training-only options (and, first, the data options) before anything is loaded. */
    void validate(DataOptions data, String model) {
        data.validate();
        OptionChecks.atLeast("--per-class", perClass, 0, "training images per class; 0 is all");
        augments(model);
    }

    /** The --augment choice, or the model's recipe when none was given. */
    boolean augments(String model) {
        if (augment == null) return Models.get(model).recipe().augment();
        return switch (augment.toLowerCase(Locale.ROOT)) {
            case "standard" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("unknown --augment '" + augment + "'; valid: [standard, none]");
        };
    }

    /** The training split as the run reads it: selected classes, at most --per-class of each, then the first {@code limit}. */
    Dataset open(DataOptions d, String model, int limit) {
        Dataset train = d.source().openTraining(d.dataDir, d.imageSize, augments(model));
        return d.select(train, perClass).limit(limit);
    }

    /** Training augmentation, the usual recipe per data set (or none), followed by normalisation. */
    Transform transform(DataOptions d, String model) {
        Transform normalize = d.evalTransform();
        if (!augments(model)) return normalize;
        return switch (d.source()) {
            case MNIST -> Augmentations.padAndRandomCrop(2).andThen(normalize); // digits must not be mirrored
            case FASHION_MNIST -> Augmentations.padAndRandomCrop(2).andThen(Augmentations.horizontalFlip(0.5)).andThen(normalize);
            case CIFAR10, CIFAR100 -> Augmentations.padAndRandomCrop(4).andThen(Augmentations.horizontalFlip(0.5)).andThen(normalize);
            case FOLDER -> Augmentations.horizontalFlip(0.5).andThen(normalize); // the random resized crop happened while reading
        };
    }
}
