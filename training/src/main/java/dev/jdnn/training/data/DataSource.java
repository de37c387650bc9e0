package dev.jdnn.training.data;

import dev.jdnn.networks.models.Normalization;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The data sets the CLI knows by name, where each is looked for by default, and how to open its training and test
 * splits. A missing data set is reported with the directory searched and how to obtain it.
 */
public enum DataSource {
    FASHION_MNIST("fashion-mnist", "/usr/share/datasets/fashion-mnist", Normalization.FASHION_MNIST,
            "sudo apt-get install dataset-fashion-mnist (Debian/Ubuntu), or download the four *-ubyte.gz files from https://github.com/zalandoresearch/fashion-mnist and pass --data-dir DIR"),
    MNIST("mnist", "/usr/share/datasets/mnist", Normalization.MNIST,
            "download the four *-ubyte.gz files of MNIST and pass --data-dir DIR"),
    CIFAR10("cifar10", "data/cifar-10-batches-bin", Normalization.CIFAR10,
            "download and unpack https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz and pass --data-dir DIR/cifar-10-batches-bin"),
    CIFAR100("cifar100", "data/cifar-100-binary", Normalization.CIFAR100,
            "download and unpack https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz and pass --data-dir DIR/cifar-100-binary"),
    FOLDER("folder", null, Normalization.IMAGENET,
            "pass --data-dir DIR with DIR/train/<class>/<images> and DIR/val/<class>/<images> (or DIR/<class>/<images>)");

    private final String cliName;
    private final String defaultDir;
    private final Normalization normalization;
    private final String howToGet;

    DataSource(String cliName, String defaultDir, Normalization normalization, String howToGet) {
        this.cliName = cliName;
        this.defaultDir = defaultDir;
        this.normalization = normalization;
        this.howToGet = howToGet;
    }

    public String cliName() {
        return cliName;
    }

    public Normalization normalization() {
        return normalization;
    }

    public static DataSource byName(String name) {
        for (DataSource d : values()) if (d.cliName.equals(name.toLowerCase(Locale.ROOT))) return d;
        throw new IllegalArgumentException("unknown data set '" + name + "'; valid: " + names());
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(DataSource::cliName).toList();
    }

    /** The class names of this data set when they are fixed (null for CIFAR-100's file-given names and image folders). */
    public List<String> knownClassNames() {
        return switch (this) {
            case FASHION_MNIST -> ClassNames.FASHION_MNIST;
            case MNIST -> ClassNames.MNIST;
            case CIFAR10 -> ClassNames.CIFAR_10;
            case CIFAR100, FOLDER -> null;
        };
    }

    /** Where we look when --data-dir is not given (null: it must be given). */
    public Path defaultDirectory() {
        return defaultDir == null ? null : Path.of(defaultDir);
    }

    /**
     * Opens one split. {@code dir} null means the default directory; {@code imageSize} applies to image folders only
     * (images are resized to imageSize·8/7 on the shorter side, then centre-cropped, as torchvision's 256→224).
     */
    public Dataset open(Path dir, boolean train, int imageSize) {
        Path d = dir != null ? dir : defaultDirectory();
        if (d == null) throw new DatasetNotFoundException("data set '" + cliName + "' has no default location; " + howToGet);
        return switch (this) {
            case FASHION_MNIST -> openIdx(d, train, ClassNames.FASHION_MNIST);
            case MNIST -> openIdx(d, train, ClassNames.MNIST);
            case CIFAR10 -> openCifar10(d, train);
            case CIFAR100 -> openCifar100(d, train);
            case FOLDER -> openFolder(d, train, imageSize);
        };
    }

    /**
     * The training split as a training run reads it: for image folders with {@code randomResizedCrop}, each sample is
     * torchvision's RandomResizedCrop(imageSize) of the whole decoded image, drawn anew every epoch; otherwise
     * {@link #open}. (The fixed-size data sets are augmented afterwards, by {@link Transform}s.)
     */
    public Dataset openTraining(Path dir, int imageSize, boolean randomResizedCrop) {
        if (this != FOLDER || !randomResizedCrop) return open(dir, true, imageSize);
        Path d = dir != null ? dir : defaultDirectory();
        if (d == null) throw new DatasetNotFoundException("data set '" + cliName + "' has no default location; " + howToGet);
        return new ImageFolderDataset(folderSplit(d, true), ImageCrop.RandomResized.standard(imageSize));
    }

    private Dataset openIdx(Path dir, boolean train, List<String> classes) {
        String prefix = train ? "train" : "t10k";
        Path images = findOne(dir, prefix + "-images-idx3-ubyte");
        Path labels = findOne(dir, prefix + "-labels-idx1-ubyte");
        IdxReader.Images im = IdxReader.readImages(images);
        int[] lab = IdxReader.readLabels(labels);
        if (lab.length != im.count()) {
            throw new DataFormatException(labels, 4, lab.length + " labels but " + images.getFileName() + " holds " + im.count() + " images");
        }
        for (int i = 0; i < lab.length; i++) {
            if (lab[i] >= classes.size()) throw new DataFormatException(labels, 8 + i, "label " + lab[i] + " is outside [0, " + classes.size() + ")");
        }
        return new ByteImageDataset(im.pixels(), lab, 1, im.rows(), im.cols(), classes);
    }

    /** {@code name.gz} or {@code name}, else a not-found error naming the directory and how to get the data. */
    private Path findOne(Path dir, String name) {
        for (String candidate : List.of(name + ".gz", name)) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) return p;
        }
        throw new DatasetNotFoundException(cliName + ": " + name + "(.gz) not found in " + dir.toAbsolutePath() + "; " + howToGet);
    }

    private Dataset openCifar10(Path dir, boolean train) {
        Path base = Files.isDirectory(dir.resolve("cifar-10-batches-bin")) ? dir.resolve("cifar-10-batches-bin") : dir;
        List<Path> files = new ArrayList<>();
        if (train) for (int i = 1; i <= 5; i++) files.add(findOne(base, "data_batch_" + i + ".bin"));
        else files.add(findOne(base, "test_batch.bin"));
        List<String> names = readNames(base.resolve("batches.meta.txt"), ClassNames.CIFAR_10);
        return CifarReader.read(files, CifarReader.Variant.CIFAR10, names);
    }

    private Dataset openCifar100(Path dir, boolean train) {
        Path base = Files.isDirectory(dir.resolve("cifar-100-binary")) ? dir.resolve("cifar-100-binary") : dir;
        Path file = findOne(base, train ? "train.bin" : "test.bin");
        List<String> fallback = IntStream.range(0, 100).mapToObj(i -> "class_" + i).toList();
        return CifarReader.read(List.of(file), CifarReader.Variant.CIFAR100_FINE, readNames(base.resolve("fine_label_names.txt"), fallback));
    }

    private Dataset openFolder(Path dir, boolean train, int imageSize) {
        return new ImageFolderDataset(folderSplit(dir, train), imageSize * 8 / 7, imageSize);
    }

    private static Path folderSplit(Path dir, boolean train) {
        Path split = dir.resolve(train ? "train" : "val");
        if (!train && !Files.isDirectory(split)) split = dir.resolve("test");
        return Files.isDirectory(split) ? split : dir; // a single folder serves both splits
    }

    /** Class names from a meta file (one per line, blank lines ignored) when present and of the right count. */
    private static List<String> readNames(Path meta, List<String> fallback) {
        try {
            if (!Files.isRegularFile(meta)) return fallback;
            List<String> names = Files.readAllLines(meta).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            return names.size() == fallback.size() ? names : fallback;
        } catch (java.io.IOException e) {
            return fallback;
        }
    }
}
