package dev.jdnn.training.parity;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.networks.parity.DeterministicFill;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.StateDicts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Prepares the export check: writes, for a zoo model, a safetensors file (the training module's writer) and the
 * eval-mode logits jdnn computes with it on {@link DeterministicFill}'s input, into {@code target/pytorch-export/}.
 * {@code ci/pytorch/check_export.py} loads each file into the PyTorch model with {@code load_state_dict(strict=True)}
 * and compares logits (run it where PyTorch is; CI here has none). This test asserts what it can without PyTorch:
 * the file holds exactly the state dict with its shapes, and loading it into a freshly compiled model reproduces
 * the logits bit for bit. The weights are the zoo's own init after one training step's BN running-statistics update,
 * so eval BN is not the identity.
 */
class PyTorchExportTest {
    static final Path OUT = Path.of("target", "pytorch-export");
    private static final Backend CPU = new CpuBackend();

    @ParameterizedTest(name = "{0} at {1}x{2}x{2}")
    @CsvSource({"resnet20, 3, 32", "resnet18, 3, 64"})
    void writesWeightsAndLogitsForPyTorch(String name, int channels, int size) throws IOException {
        Shape input = Shape.of(2, channels, size, size);
        ModelConfig cfg = ModelConfig.of(10, channels, size, size);
        Path weights = OUT.resolve(name + ".safetensors");
        Files.createDirectories(OUT);
        float[] logits;
        try (CompiledModel cm = CompiledModel.compile(Models.create(name, cfg), input, CPU, 1);
             Tensor labels = CPU.allocate(Shape.of(2), DType.INT32)) {
            CPU.upload(inputValues(input), cm.input());
            CPU.uploadInts(new int[]{3, 0}, labels);
            cm.setTraining(true);
            cm.forwardBackward(labels, 0f); // moves the BN running statistics away from 0 / 1
            cm.setTraining(false);
            logits = CPU.download(cm.forward());
            StateDicts.saveWeights(weights, cm.stateDict(), CPU, Map.of("model", name));

            try (SafeTensorsFile file = SafeTensorsFile.open(weights)) {
                // A safetensors header is a JSON object: its key order carries no meaning, so compare as sorted maps.
                Map<String, Shape> expected = new TreeMap<>(), written = new TreeMap<>();
                cm.stateDict().forEach((k, p) -> expected.put(k, p.shape()));
                file.entries().forEach((k, e) -> written.put(k, Shape.of(e.intShape())));
                assertEquals(expected, written, "the file should hold exactly the state dict, with its shapes");
            }
        }
        try (CompiledModel fresh = CompiledModel.compile(Models.create(name, cfg), input, CPU, 99);
             SafeTensorsFile file = SafeTensorsFile.open(weights)) {
            StateDicts.load(file, fresh.stateDict(), CPU, true, k -> false);
            CPU.upload(inputValues(input), fresh.input());
            fresh.setTraining(false);
            assertArrayEquals(logits, CPU.download(fresh.forward()), "reloaded weights should give the same logits");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", name);
        json.put("input_shape", input.toArray());
        json.put("num_classes", 10);
        json.put("input", "DeterministicFill(INPUT_INDEX, input_shape, INPUT) == fill.fill(fill.INPUT_INDEX, shape, 'input')");
        json.put("weights", weights.getFileName().toString());
        json.put("logits", logits);
        new ObjectMapper().writeValue(OUT.resolve(name + ".logits.json").toFile(), json);
    }

    private static float[] inputValues(Shape shape) {
        float[] x = new float[Math.toIntExact(shape.numel())];
        DeterministicFill.fill(x, DeterministicFill.INPUT_INDEX, shape, DeterministicFill.Role.INPUT);
        return x;
    }
}
