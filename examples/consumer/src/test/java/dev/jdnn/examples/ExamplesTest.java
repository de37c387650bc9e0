package dev.jdnn.examples;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.StateDicts;
import dev.jdnn.training.checkpoint.TensorData;
import dev.jdnn.training.checkpoint.WeightsMetadata;
import dev.jdnn.training.data.ClassNames;
import dev.jdnn.training.data.DataSource;
import dev.jdnn.training.data.Dataset;
import dev.jdnn.training.inference.Prediction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The "done when", from a project that has only the installed jdnn artifacts: resnet18 weights saved by jdnn
 * (random, seeded: no pretrained weights are available offline) predict an image's top 5 with ImageNet names;
 * a new head is fine-tuned for two epochs on Fashion-MNIST, saved, reloaded, and predicts the same.
 */
class ExamplesTest {
    private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    static Path dir;
    static Path backbone, photo;

    /** resnet18 as jdnn saves it (1000 classes, 3×224×224, seed 0), and a 300×200 RGB picture. */
    @BeforeAll
    static void weightsAndImage() throws Exception {
        backbone = dir.resolve("resnet18.safetensors");
        try (Backend cpu = new CpuBackend(); CompiledModel m = CompiledModel.compile(Models.create("resnet18"), Shape.of(1, 3, 224, 224), cpu, 0)) {
            StateDicts.saveWeights(backbone, m.stateDict(), cpu, new WeightsMetadata("resnet18", Models.get("resnet18").input(), ClassNames.IMAGENET_1K, null).toMap());
        }
        BufferedImage img = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 200; y++) for (int x = 0; x < 300; x++) img.setRGB(x, y, ((x * 255 / 300) << 16) | ((y * 255 / 200) << 8) | ((x ^ y) & 0xFF));
        photo = dir.resolve("photo.png");
        ImageIO.write(img, "png", photo.toFile());
    }

    @Test
    void predictsTheTopFiveWithImageNetNames() throws Exception {
        List<Prediction> top5 = PredictExample.predict(backbone, photo);
        assertEquals(5, top5.size());
        for (int i = 0; i < 5; i++) {
            Prediction p = top5.get(i);
            assertEquals(ClassNames.IMAGENET_1K.get(p.index()), p.name());
            if (i > 0) assertTrue(top5.get(i - 1).probability() >= p.probability());
        }
        // The same weights without jdnn's metadata (as PyTorch would save them): the model named, torchvision's defaults.
        Path bare = dir.resolve("resnet18-bare.safetensors");
        try (SafeTensorsFile f = SafeTensorsFile.open(backbone)) {
            SafeTensorsFile.write(bare, f.entries().values().stream().map(e -> TensorData.f32(e.name(), e.shape(), f.readFloats(e.name()))).toList(), Map.of());
        }
        assertEquals(top5, PredictExample.predictTorchvision(bare, photo));
    }

    @Test
    void fineTunesSavesReloadsAndPredictsTheSame() throws Exception {
        Path data = Files.isRegularFile(FASHION_MNIST.resolve("train-images-idx3-ubyte.gz")) ? FASHION_MNIST : SyntheticFashionMnist.write(dir.resolve("fmnist"));
        System.out.println("fine-tuning on " + (data == FASHION_MNIST ? "Fashion-MNIST from " + data : "a synthetic Fashion-MNIST-format set (Fashion-MNIST is not installed)"));
        Dataset test = DataSource.FASHION_MNIST.open(data, false, 28);
        BufferedImage grey = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        float[] pixels = test.sample(0).chw();
        for (int i = 0; i < 784; i++) grey.getRaster().setSample(i % 28, i / 28, 0, Math.round(pixels[i] * 255));
        Path image = dir.resolve("test0.png");
        ImageIO.write(grey, "png", image.toFile());

        Path out = Files.createDirectories(dir.resolve("fine-tuned"));
        FineTuneExample.Outcome o = FineTuneExample.fineTune(backbone, data, image, out, 192, 64);
        assertEquals(5, o.beforeSaving().size());
        assertEquals(o.beforeSaving().stream().map(Prediction::index).toList(), o.afterReloading().stream().map(Prediction::index).toList());
        for (int i = 0; i < 5; i++) {
            assertEquals(o.beforeSaving().get(i).probability(), o.afterReloading().get(i).probability(), 1e-5);
            assertEquals(ClassNames.FASHION_MNIST.get(o.afterReloading().get(i).index()), o.afterReloading().get(i).name());
        }
        try (SafeTensorsFile before = SafeTensorsFile.open(backbone); SafeTensorsFile after = SafeTensorsFile.open(o.weights())) {
            assertEquals("resnet18", WeightsMetadata.read(after).model());
            assertArrayEquals(new long[]{10, 512}, after.entries().get("fc.weight").shape());
            assertArrayEquals(before.readFloats("layer1.0.conv1.weight"), after.readFloats("layer1.0.conv1.weight"), "frozen: loaded, not trained");
            assertFalse(Arrays.equals(before.readFloats("layer4.1.conv2.weight"), after.readFloats("layer4.1.conv2.weight")), "the last stage trained");
        }
    }

    /** Only jdnn's library artifacts, from the installed repository: no CLI, no command-line or plotting libraries. */
    @Test
    void theClassPathHasNoCliJars() {
        List<String> path = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        for (String banned : List.of("jdnn-cli", "jdnn-benchmarks", "picocli", "progressbar", "xchart", "jline", "pdfbox", "jmh")) {
            assertTrue(path.stream().noneMatch(p -> p.contains(banned)), banned + " on the class path: " + path);
        }
        assertThrows(ClassNotFoundException.class, () -> Class.forName("picocli.CommandLine"));
        String training = path.stream().filter(p -> p.contains("jdnn-training")).findFirst().orElseThrow();
        assertTrue(training.replace(File.separatorChar, '/').contains("/dev/jdnn/jdnn-training/") && training.endsWith(".jar"),
                "jdnn-training comes from a Maven repository, not a build directory: " + training);
    }

    /** The README's Java blocks are these sources, so they compile and run here. */
    @Test
    void theReadmeShowsTheseExamples() throws Exception {
        String readmePath = System.getProperty("jdnn.readme", "");
        assertFalse(readmePath.isBlank(), "the build must pass -Djdnn.readme=<the jdnn README>");
        String readme = Files.readString(Path.of(readmePath));
        Path sources = Path.of("src/main/java/dev/jdnn/examples");
        int compared = 0;
        for (String file : List.of("PredictExample.java", "FineTuneExample.java")) {
            Map<String, String> regions = ReadmeSnippets.regions(Files.readString(sources.resolve(file)));
            for (var e : regions.entrySet()) {
                assertEquals(e.getValue(), ReadmeSnippets.block(readme, e.getKey()), "README block '" + e.getKey() + "' differs from " + file);
                compared++;
            }
        }
        assertEquals(3, compared);
        assertTrue(readme.contains("<artifactId>jdnn-training</artifactId>"), "README: the dependency block");
    }
}
