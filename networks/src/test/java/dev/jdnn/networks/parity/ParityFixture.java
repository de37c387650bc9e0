package dev.jdnn.networks.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.memory.Shape;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One PyTorch parity fixture ({@code parity/<model>.json}, made by {@code ci/pytorch/make_fixtures.py}): what
 * PyTorch computed for a model whose state dict holds {@link DeterministicFill}'s values.
 *
 * @param model        zoo name
 * @param inputShape   [N, C, H, W]
 * @param numClasses   classifier outputs
 * @param labels       one class per sample
 * @param stateDict    keys and shapes in PyTorch's state_dict order ({@code num_batches_tracked} left out)
 * @param evalLogits   eval-mode logits, row-major [N, classes]
 * @param trainLoss    train-mode loss (GoogLeNet: main + 0.3 x each aux loss)
 * @param gradChecksums per parameter: [sum, sum of squares] of its gradient
 * @param sgd          SGD hyper-parameters and the resulting per-parameter update checksums
 * @param adamw        AdamW hyper-parameters and the resulting per-parameter update checksums
 */
public record ParityFixture(String model, Shape inputShape, int numClasses, int[] labels, List<Key> stateDict,
                            double[] evalLogits, double trainLoss, Map<String, Checksum> gradChecksums,
                            Sgd sgd, AdamW adamw) {

    /** A state_dict entry. */
    public record Key(String name, Shape shape) {}

    /** [sum, sum of squares] of a tensor, in float64. */
    public record Checksum(double sum, double sumOfSquares) {
        public static Checksum of(float[] values) {
            double s = 0, q = 0;
            for (float v : values) {
                s += v;
                q += (double) v * v;
            }
            return new Checksum(s, q);
        }
    }

    public record Sgd(double lr, double momentum, double weightDecay, Map<String, Checksum> updates) {}

    public record AdamW(double lr, double beta1, double beta2, double eps, double weightDecay, Map<String, Checksum> updates) {}

    /**
     * Where the fixtures live in the test resources: a directory under Maven, a folder inside the test jar in the GPU
     * bundle (opened as a zip file system once).
     */
    public static synchronized Path directory() {
        try {
            var url = ParityFixture.class.getResource("/parity/README.md");
            if (url == null) throw new IllegalStateException("test resource /parity/README.md not found on the class path");
            java.net.URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try {
                    java.nio.file.FileSystems.getFileSystem(uri);
                } catch (java.nio.file.FileSystemNotFoundException notYetOpen) {
                    java.nio.file.FileSystems.newFileSystem(uri, Map.of());
                }
            }
            return Path.of(uri).getParent();
        } catch (java.net.URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot open the parity fixtures: " + e, e);
        }
    }

    /** Every model fixture ({@code <model>.json}, not the weight-import logits), sorted by name. */
    public static List<Path> all() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(p -> !p.getFileName().toString().endsWith(".logits.json"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ParityFixture read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read parity fixture " + file, e);
        }
        List<Key> keys = new ArrayList<>();
        for (JsonNode k : required(root, "state_dict", file)) keys.add(new Key(k.get(0).asText(), shape(k.get(1))));
        JsonNode sgd = required(root, "sgd", file), adamw = required(root, "adamw", file);
        return new ParityFixture(
                required(root, "model", file).asText(),
                shape(required(root, "input_shape", file)),
                required(root, "num_classes", file).asInt(),
                ints(required(root, "labels", file)),
                keys,
                doubles(required(root, "eval_logits", file)),
                required(root, "train_loss", file).asDouble(),
                checksums(required(root, "grad_checksums", file)),
                new Sgd(sgd.get("lr").asDouble(), sgd.get("momentum").asDouble(), sgd.get("weight_decay").asDouble(),
                        checksums(sgd.get("update_checksums"))),
                new AdamW(adamw.get("lr").asDouble(), adamw.get("betas").get(0).asDouble(), adamw.get("betas").get(1).asDouble(),
                        adamw.get("eps").asDouble(), adamw.get("weight_decay").asDouble(), checksums(adamw.get("update_checksums"))));
    }

    private static JsonNode required(JsonNode root, String field, Path file) {
        JsonNode n = root.get(field);
        if (n == null) throw new IllegalArgumentException("parity fixture " + file + " has no field '" + field + "'");
        return n;
    }

    private static Shape shape(JsonNode dims) {
        return Shape.of(ints(dims));
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asDouble();
        return out;
    }

    private static Map<String, Checksum> checksums(JsonNode object) {
        Map<String, Checksum> out = new LinkedHashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), new Checksum(e.getValue().get(0).asDouble(), e.getValue().get(1).asDouble())));
        return out;
    }
}
