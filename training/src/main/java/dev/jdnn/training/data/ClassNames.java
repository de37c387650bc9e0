package dev.jdnn.training.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Class names of the well-known label sets, in label order: ImageNet-1k as torchvision names it for its pretrained
 * weights, Fashion-MNIST and CIFAR-10 from resources (one per line; made by ci/pytorch/export_class_names.py), and
 * MNIST's digits.
 */
public final class ClassNames {
    public static final List<String> IMAGENET_1K = load("imagenet-1k");
    public static final List<String> FASHION_MNIST = load("fashion-mnist");
    public static final List<String> CIFAR_10 = load("cifar-10");
    /** MNIST's digits, "0" to "9". */
    public static final List<String> MNIST = IntStream.range(0, 10).mapToObj(Integer::toString).toList();

    private ClassNames() {}

    /** The label set of this many classes when only one well-known set has that size (1000: ImageNet-1k), else null. */
    public static List<String> forClassCount(int classes) {
        return classes == IMAGENET_1K.size() ? IMAGENET_1K : null;
    }

    private static List<String> load(String name) {
        String resource = "classes/" + name + ".txt";
        try (InputStream in = ClassNames.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("class-name resource " + resource + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class-name resource " + resource, e);
        }
    }
}
