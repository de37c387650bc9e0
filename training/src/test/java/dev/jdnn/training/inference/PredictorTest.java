package dev.jdnn.training.inference;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.InputSpec;
import dev.jdnn.networks.models.Models;
import dev.jdnn.networks.models.Normalization;
import dev.jdnn.networks.models.ZooModel;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.training.checkpoint.CheckpointMismatchException;
import dev.jdnn.training.checkpoint.StateDicts;
import dev.jdnn.training.checkpoint.WeightsMetadata;
import dev.jdnn.training.data.ClassNames;
import dev.jdnn.training.data.Preprocessing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Predictor on a CIFAR ResNet (resnet20, 3×32×32, random weights saved by jdnn with its metadata) and the test
 * PNGs: predictions equal an independent forward pass of the same weights on the same preprocessed input; batches,
 * threads and tensors give what single calls give.
 */
class PredictorTest {
    @TempDir
    static Path dir;
    static Path weights;
    static final InputSpec INPUT = InputSpec.unresized(3, 32, Normalization.CIFAR10);
    static final List<String> IMAGES = List.of("rgb_200x150.png", "grey_97x131.png", "rgb_30x22.png", "rgba_75x60.png");

    @BeforeAll
    static void saveWeights() {
        weights = dir.resolve("resnet20.safetensors");
        try (Backend cpu = new CpuBackend();
             CompiledModel m = CompiledModel.compile(Models.get("resnet20").create(10, 3, 32, 32), Shape.of(2, 3, 32, 32), cpu, 42)) {
            StateDicts.saveWeights(weights, m.stateDict(), cpu, new WeightsMetadata("resnet20", INPUT, ClassNames.CIFAR_10, "cifar10").toMap());
        }
    }

    static Path image(String name) throws Exception {
        return Path.of(PredictorTest.class.getResource("/preprocessing/" + name).toURI());
    }

    /** The independent path: compile, load, preprocess, forward, softmax, sort — without the Predictor. */
    static double[] reference(Path image) {
        ZooModel zoo = Models.get("resnet20");
        try (Backend cpu = new CpuBackend(); CompiledModel m = CompiledModel.compile(zoo.create(10, 3, 32, 32), Shape.of(1, 3, 32, 32), cpu, 0)) {
            dev.jdnn.training.checkpoint.ZooWeights.load(weights, m, zoo);
            m.setTraining(false);
            cpu.upload(new Preprocessing(INPUT).apply(image), m.input());
            float[] z = cpu.download(m.forward());
            double max = Arrays.stream(toDouble(z)).max().orElseThrow(), sum = 0;
            double[] p = new double[z.length];
            for (int i = 0; i < z.length; i++) sum += p[i] = Math.exp(z[i] - max);
            for (int i = 0; i < z.length; i++) p[i] /= sum;
            return p;
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @Test
    void predictionsEqualAnIndependentForwardPassWithNamesFromTheFile() throws Exception {
        try (Predictor p = Predictor.builder(weights).device("cpu").build()) {
            assertEquals("resnet20", p.modelName());
            assertEquals(INPUT, p.input(), "the file's recorded input and normalisation");
            assertEquals(ClassNames.CIFAR_10, p.classNames());
            for (String name : IMAGES) {
                double[] ref = reference(image(name));
                List<Prediction> top = p.predict(image(name), 5);
                assertEquals(5, top.size());
                for (int r = 0; r < 5; r++) {
                    Prediction c = top.get(r);
                    assertEquals(ref[c.index()], c.probability(), 1e-6, name);
                    assertEquals(ClassNames.CIFAR_10.get(c.index()), c.name());
                    if (r > 0) assertTrue(top.get(r - 1).probability() >= c.probability());
                }
                double best = Arrays.stream(ref).max().orElseThrow();
                assertEquals(best, top.getFirst().probability(), 1e-6, name);
            }
        }
    }

    @Test
    void batchesThreadsAndTensorsGiveWhatSingleCallsGive() throws Exception {
        List<Path> paths = new ArrayList<>();
        for (String n : IMAGES) paths.add(image(n));
        try (Predictor single = Predictor.builder(weights).device("cpu").build();
             Predictor batched = Predictor.builder(weights).device("cpu").batchSize(3).build()) {
            List<List<Prediction>> one = new ArrayList<>();
            for (Path p : paths) one.add(single.predict(p, 3));
            List<List<Prediction>> many = batched.predictAll(paths, 3); // 3 + 1 padded
            for (int i = 0; i < paths.size(); i++) assertSamePredictions(one.get(i), many.get(i), 1e-5);

            // Four threads, forty calls on one predictor: exactly the sequential results.
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<List<Prediction>>> futures = new ArrayList<>();
                for (int call = 0; call < 40; call++) {
                    Path p = paths.get(call % paths.size());
                    futures.add(pool.submit(() -> single.predict(p, 3)));
                }
                for (int call = 0; call < 40; call++) assertEquals(one.get(call % paths.size()), futures.get(call).get(), "call " + call);
            }

            // A preprocessed [N, C, H, W] host tensor.
            Preprocessing pre = new Preprocessing(INPUT);
            float[] two = new float[2 * 3 * 32 * 32];
            System.arraycopy(pre.apply(paths.get(0)), 0, two, 0, 3 * 32 * 32);
            System.arraycopy(pre.apply(paths.get(2)), 0, two, 3 * 32 * 32, 3 * 32 * 32);
            try (Tensor t = Tensor.ofHost(Shape.of(2, 3, 32, 32), two)) {
                List<List<Prediction>> fromTensor = single.predict(t, 3);
                assertEquals(one.get(0), fromTensor.get(0));
                assertEquals(one.get(2), fromTensor.get(1));
            }
            assertEquals(one.get(1), single.predict(pre.apply(paths.get(1)), 3));
        }
    }

    private static void assertSamePredictions(List<Prediction> a, List<Prediction> b, double tolerance) {
        assertEquals(a.stream().map(Prediction::index).toList(), b.stream().map(Prediction::index).toList());
        for (int i = 0; i < a.size(); i++) assertEquals(a.get(i).probability(), b.get(i).probability(), tolerance);
    }

    @Test
    void aFileWithoutJdnnMetadataNeedsTheModelAndUsesTheZoosDefaults() throws Exception {
        Path foreign = dir.resolve("foreign.safetensors");
        try (Backend cpu = new CpuBackend();
             CompiledModel m = CompiledModel.compile(Models.get("resnet20").create(7, 3, 32, 32), Shape.of(1, 3, 32, 32), cpu, 1)) {
            StateDicts.saveWeights(foreign, m.stateDict(), cpu, java.util.Map.of());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Predictor.builder(foreign).device("cpu").build());
        assertTrue(e.getMessage().contains(".model("), e.getMessage());
        try (Predictor p = Predictor.builder(foreign).model("resnet20").device("cpu").build()) {
            assertEquals(Models.get("resnet20").input(), p.input());
            assertEquals("class 6", p.classNames().get(6), "7 classes: no well-known names");
            assertEquals(7, p.predict(image("rgb_30x22.png"), 10).size(), "k is capped at the class count");
        }
        var wrong = assertThrows(CheckpointMismatchException.class, () -> Predictor.builder(foreign).model("resnet18").device("cpu").build());
        assertTrue(wrong.getMessage().contains("has shape [7, 64] but the model's head takes [classes, 512] (is the file for another model?)"), wrong.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> Predictor.open(dir.resolve("nope.safetensors")));
        assertTrue(missing.getMessage().contains("nope.safetensors"));
    }
}
