package dev.jdnn.cli;

import dev.jdnn.training.data.Augmentations;
import dev.jdnn.training.data.ClassSubset;
import dev.jdnn.training.data.DataSource;
import dev.jdnn.training.data.Dataset;
import dev.jdnn.training.data.Transform;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.stream.IntStream;

/** Which data set, where it lives, and which part of it: shared by train, finetune and eval. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "NAME", defaultValue = "fashion-mnist",
            description = "Data set: fashion-mnist, mnist, cifar10, cifar100, folder (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the data set's files are (default: the data set's standard location).")
    Path dataDir;

    @Option(names = "--image-size", paramLabel = "PX", defaultValue = "224",
            description = "Image folders only: the square input size (evaluation: shorter side resized to size·8/7, centre crop; "
                    + "training with augmentation: random resized crops of the whole image) (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--classes", paramLabel = "LIST",
            description = "Use only these classes, relabelled 0..k-1 in the order given: indices and ranges, e.g. 0-4 or 5,7,9 (both splits; default: all).")
    String classes;

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

    /** The test split: the selected classes, then the first --test-limit images. */
    Dataset openTest() {
        return select(source().open(dataDir, false, imageSize), 0).limit(testLimit);
    }

    /** The selected classes of a split; at most {@code perClass} images of each (0 = all). */
    Dataset select(Dataset d, int perClass) {
        if (classes != null) return new ClassSubset(d, ClassSubset.parseClasses(classes), perClass);
        if (perClass > 0) return new ClassSubset(d, IntStream.range(0, d.numClasses()).toArray(), perClass);
        return d;
    }

    /** Evaluation transform: normalisation with the data set's statistics. */
    Transform evalTransform() {
        return Augmentations.normalize(source().normalization());
    }
}
