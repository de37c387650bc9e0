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
import dev.jdnn.training.data.ClassNames;
import dev.jdnn.training.data.IdxReader;
import dev.jdnn.training.inference.Prediction;
import dev.jdnn.training.inference.Predictor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    /**
     * The same file through the public API: {@link Predictor} with the model named (the file has no jdnn metadata),
     * the first test images written as grey PNGs and preprocessed by it (28×28 Fashion-MNIST input, no resize),
     * gives the top-5 classes and probabilities of PyTorch's logits (softmax of them; 1e-4).
     */
    @Test
    void predictorOnGreyPngsGivesPyTorchsTopFive(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException, URISyntaxException {
        assumeTrue(Files.exists(TEST_IMAGES), "Fashion-MNIST test images not found at " + TEST_IMAGES);
        Path dir = Path.of(getClass().getResource("/parity/resnet20_fmnist.safetensors").toURI()).getParent();
        JsonNode logits = new ObjectMapper().readTree(dir.resolve("resnet20_fmnist.logits.json").toFile()).get("logits");
        IdxReader.Images images = IdxReader.readImages(TEST_IMAGES);
        var input = dev.jdnn.networks.models.InputSpec.unresized(1, 28, dev.jdnn.networks.models.Normalization.FASHION_MNIST);
        try (Predictor p = Predictor.builder(dir.resolve("resnet20_fmnist.safetensors")).model("resnet20").device("cpu")
                .input(input).classNames(ClassNames.FASHION_MNIST).build()) {
            for (int n = 0; n < IMAGES; n++) {
                java.awt.image.BufferedImage png = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                for (int i = 0; i < 28 * 28; i++) png.getRaster().setSample(i % 28, i / 28, 0, images.pixels()[n * 784 + i] & 0xFF);
                Path file = tmp.resolve("test" + n + ".png");
                javax.imageio.ImageIO.write(png, "png", file.toFile());
                double[] ref = new double[10];
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int c = 0; c < 10; c++) max = Math.max(max, ref[c] = logits.get(n * 10 + c).asDouble());
                for (int c = 0; c < 10; c++) sum += ref[c] = Math.exp(ref[c] - max);
                List<Prediction> top = p.predict(file, 5);
                for (int r = 0; r < 5; r++) {
                    Prediction c = top.get(r);
                    assertEquals(ref[c.index()] / sum, c.probability(), 1e-4, "image " + n + " rank " + r);
                    assertEquals(ClassNames.FASHION_MNIST.get(c.index()), c.name());
                }
                int best = 0;
                for (int c = 1; c < 10; c++) if (ref[c] > ref[best]) best = c;
                assertEquals(best, top.getFirst().index(), "image " + n);
            }
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
