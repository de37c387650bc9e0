package dev.jdnn.training.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.training.checkpoint.LoadReport;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.StateDicts;
import dev.jdnn.training.data.IdxReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real PyTorch weights run in jdnn: a CIFAR-style resnet20 (1 input channel) trained by PyTorch on Fashion-MNIST and
 * saved with safetensors.torch.save_file ({@code ci/pytorch/make_weights_fixture.py}; its keys include
 * {@code num_batches_tracked}, which loading accepts and ignores) gives, in eval mode on the first 4 Fashion-MNIST
 * test images, the logits PyTorch gave: max |diff| / max |logit| <= 1e-4.
 */
class PyTorchWeightImportTest {
    private static final Path TEST_IMAGES = Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
    private static final float MEAN = 0.2860f, STD = 0.3530f;
    private static final int IMAGES = 4;

    @Test
    void resnet20TrainedByPyTorchGivesPyTorchsLogits() throws IOException, URISyntaxException {
        assumeTrue(Files.exists(TEST_IMAGES), "Fashion-MNIST test images not found at " + TEST_IMAGES);
        Path dir = Path.of(getClass().getResource("/parity/resnet20_fmnist.safetensors").toURI()).getParent();
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("resnet20_fmnist.logits.json").toFile());
        Backend cpu = new CpuBackend();
        var model = Models.create("resnet20", ModelConfig.of(10, 1, 28, 28));
        try (CompiledModel cm = CompiledModel.compile(model, Shape.of(IMAGES, 1, 28, 28), cpu, 0);
             SafeTensorsFile weights = SafeTensorsFile.open(dir.resolve("resnet20_fmnist.safetensors"))) {
            assertTrue(weights.entries().keySet().stream().anyMatch(k -> k.endsWith(".num_batches_tracked")),
                    "the fixture should exercise num_batches_tracked keys");
            LoadReport report = StateDicts.load(weights, cm.stateDict(), cpu, true, k -> false);
            assertEquals(cm.stateDict().size(), report.loaded(), report.problems().toString());

            cpu.upload(normalisedImages(), cm.input());
            cm.setTraining(false);
            float[] logits = cpu.download(cm.forward());
            double[] ref = new double[expected.get("logits").size()];
            for (int i = 0; i < ref.length; i++) ref[i] = expected.get("logits").get(i).asDouble();
            double err = Logits.maxRelativeError(logits, ref);
            System.out.printf("resnet20_fmnist import: max |diff| / max |logit| = %.2g%n", err);
            assertTrue(err <= Logits.TOLERANCE, "logits differ from PyTorch's by " + err + " of the largest logit");
        }
    }

    /** The first images as the fixture script fed them: x / 255, then (x - mean) / std, in float32 like PyTorch. */
    private static float[] normalisedImages() {
        IdxReader.Images images = IdxReader.readImages(TEST_IMAGES);
        int pixels = images.rows() * images.cols();
        assertEquals(28 * 28, pixels, "Fashion-MNIST image size");
        float[] x = new float[IMAGES * pixels];
        for (int i = 0; i < x.length; i++) x[i] = ((images.pixels()[i] & 0xFF) / 255f - MEAN) / STD;
        return x;
    }
}
