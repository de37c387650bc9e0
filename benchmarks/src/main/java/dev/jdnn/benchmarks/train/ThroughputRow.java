package dev.jdnn.benchmarks.train;

import dev.jdnn.memory.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of the jdnn-vs-PyTorch comparison. The rows and their names are those of benchmarks/pytorch/compare.py
 * (keep the two in step: side_by_side.py joins on the name), plus CPU-sized rows with no PyTorch counterpart.
 */
public record ThroughputRow(String name, Kind kind, String model, int batch, int channels, int size, int classes) {
    public enum Kind { TRAIN, INFER }

    public static final Map<String, ThroughputRow> ROWS = new LinkedHashMap<>();

    /** What train-throughput runs on the CPU when no --rows are given: a size two cores finish in about a minute. */
    public static final List<String> CPU_DEFAULT_ROWS = List.of("cifar_resnet20_train_b32");

    static {
        imagenet("resnet50_train_b64", Kind.TRAIN, "resnet50", 64);
        imagenet("resnet50_train_b128", Kind.TRAIN, "resnet50", 128);
        imagenet("resnet50_train_b256", Kind.TRAIN, "resnet50", 256);
        imagenet("resnet18_train_b256", Kind.TRAIN, "resnet18", 256);
        imagenet("mobilenet_v2_train_b256", Kind.TRAIN, "mobilenet_v2", 256);
        imagenet("efficientnet_b0_train_b256", Kind.TRAIN, "efficientnet_b0", 256);
        cifar("cifar_resnet20_train_b128", "resnet20", 128);
        cifar("cifar_resnet56_train_b128", "resnet56", 128);
        imagenet("resnet50_infer_b1", Kind.INFER, "resnet50", 1);
        imagenet("resnet50_infer_b8", Kind.INFER, "resnet50", 8);
        cifar("cifar_resnet20_train_b32", "resnet20", 32); // CPU smoke size, not in compare.py
    }

    /** Rows compare.py also runs (all but the CPU smoke sizes). */
    public static List<String> gpuDefaultRows() {
        return ROWS.keySet().stream().filter(r -> !CPU_DEFAULT_ROWS.contains(r)).toList();
    }

    private static void imagenet(String name, Kind kind, String model, int batch) {
        ROWS.put(name, new ThroughputRow(name, kind, model, batch, 3, 224, 1000));
    }

    private static void cifar(String name, String model, int batch) {
        ROWS.put(name, new ThroughputRow(name, Kind.TRAIN, model, batch, 3, 32, 10));
    }

    public static ThroughputRow of(String name) {
        ThroughputRow r = ROWS.get(name);
        if (r == null) throw new IllegalArgumentException("unknown throughput row '" + name + "'; valid: " + String.join(", ", ROWS.keySet()));
        return r;
    }

    public Shape inputShape() {
        return Shape.of(batch, channels, size, size);
    }

    /** compare.py's "kind" field. */
    public String kindName() {
        return kind == Kind.TRAIN ? "train" : "infer";
    }
}
