package dev.jdnn.cli;

import dev.jdnn.training.data.Augmentations;
import dev.jdnn.training.data.DataSource;
import dev.jdnn.training.data.Dataset;
import dev.jdnn.training.data.Transform;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Which data set, where it lives, and how much of it: shared by train, finetune and eval. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "NAME", defaultValue = "fashion-mnist",
            description = "Data set: fashion-mnist, mnist, cifar10, cifar100, folder (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the data set's files are (default: the data set's standard location).")
    Path dataDir;

    @Option(names = "--image-size", paramLabel = "PX", defaultValue = "224", description = "Image folders only: crop size after resizing the shorter side to size·8/7 (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--test-limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N test images (0 = all; default: ${DEFAULT-VALUE}).")
    int testLimit;

    DataSource source() {
        return DataSource.byName(data);
    }

    Dataset open(boolean train, int limit) {
        return source().open(dataDir, train, imageSize).limit(limit);
    }

    /** Evaluation transform: normalisation with the data set's statistics. */
    Transform evalTransform() {
        return Augmentations.normalize(source().normalization());
    }

    /** Training augmentation, the usual recipe per data set, followed by normalisation. */
    Transform trainTransform() {
        Transform normalize = evalTransform();
        return switch (source()) {
            case MNIST -> Augmentations.padAndRandomCrop(2).andThen(normalize); // digits must not be mirrored
            case FASHION_MNIST -> Augmentations.padAndRandomCrop(2).andThen(Augmentations.horizontalFlip(0.5)).andThen(normalize);
            case CIFAR10, CIFAR100 -> Augmentations.padAndRandomCrop(4).andThen(Augmentations.horizontalFlip(0.5)).andThen(normalize);
            case FOLDER -> Augmentations.randomResizedCrop().andThen(Augmentations.horizontalFlip(0.5)).andThen(normalize);
        };
    }
}
