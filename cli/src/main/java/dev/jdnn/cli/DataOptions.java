package dev.jdnn.cli;

import dev.jdnn.training.data.Augmentations;
import dev.jdnn.training.data.ClassSubset;
import dev.jdnn.training.data.DataSource;
import dev.jdnn.training.data.Dataset;
import dev.jdnn.training.data.Transform;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.IntStream;

/** Which data set, where it lives, and how much of it: shared by train, finetune and eval. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "NAME", defaultValue = "fashion-mnist",
            description = "Data set: fashion-mnist, mnist, cifar10, cifar100, folder (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the data set's files are (default: the data set's standard location).")
    Path dataDir;

    @Option(names = "--image-size", paramLabel = "PX", defaultValue = "224", description = "Image folders only: crop size after resizing the shorter side to size·8/7 (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--augment", paramLabel = "KIND",
            description = "Training augmentation: standard (the data set's usual random crop / flip) or none "
                    + "(default: standard; none for lenet5 and lenet5_28, whose few parameters underfit rather than overfit in short runs).")
    String augment;

    @Option(names = "--classes", paramLabel = "LIST",
            description = "Use only these classes, relabelled 0..k-1 in the order given: indices and ranges, e.g. 0-4 or 5,7,9 (both splits; default: all).")
    String classes;

    @Option(names = "--per-class", paramLabel = "N", defaultValue = "0",
            description = "Train on only the first N training images of each (selected) class, before --limit (0 = all; default: ${DEFAULT-VALUE}).")
    int perClass;

    @Option(names = "--test-limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N test images (0 = all; default: ${DEFAULT-VALUE}).")
    int testLimit;

    DataSource source() {
        return DataSource.byName(data);
    }

    /** Fails on bad options before anything is loaded. */
    void validate() {
        OptionChecks.between("--image-size", imageSize, 1, 4096, "the crop size of image-folder images, in pixels");
        OptionChecks.atLeast("--test-limit", testLimit, 0, "how many test images to use; 0 is all");
    }

    /** {@link #validate} and the training-only options. */
    void validateForTraining(String model) {
        validate();
        OptionChecks.atLeast("--per-class", perClass, 0, "training images per class; 0 is all");
        augments(model);
    }

    /** One split: the selected classes (training split: at most --per-class of each), then the first {@code limit}. */
    Dataset open(boolean train, int limit) {
        Dataset d = source().open(dataDir, train, imageSize);
        int perClassHere = train ? perClass : 0;
        if (classes != null) d = new ClassSubset(d, ClassSubset.parseClasses(classes), perClassHere);
        else if (perClassHere > 0) d = new ClassSubset(d, IntStream.range(0, d.numClasses()).toArray(), perClassHere);
        return d.limit(limit);
    }

    /** The --augment choice, or the model's default when none was given. */
    boolean augments(String model) {
        String kind = augment != null ? augment.toLowerCase(Locale.ROOT) : ModelDefaults.of(model).augmentation();
        return switch (kind) {
            case "standard" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("unknown --augment '" + augment + "'; valid: [standard, none]");
        };
    }

    /** Evaluation transform: normalisation with the data set's statistics. */
    Transform evalTransform() {
        return Augmentations.normalize(source().normalization());
    }

    /** Training augmentation, the usual recipe per data set (or none), followed by normalisation. */
    Transform trainTransform(boolean augment) {
        Transform normalize = evalTransform();
        if (!augment) return normalize;
        return switch (source()) {
            case MNIST -> Augmentations.padAndRandomCrop(2).andThen(normalize); // digits must not be mirrored
            case FASHION_MNIST -> Augmentations.padAndRandomCrop(2).andThen(Augmentations.horizontalFlip(0.5)).andThen(normalize);
            case CIFAR10, CIFAR100 -> Augmentations.padAndRandomCrop(4).andThen(Augmentations.horizontalFlip(0.5)).andThen(normalize);
            case FOLDER -> Augmentations.randomResizedCrop().andThen(Augmentations.horizontalFlip(0.5)).andThen(normalize);
        };
    }
}
