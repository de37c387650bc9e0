package dev.jdnn.training.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.networks.models.InputSpec;
import dev.jdnn.networks.models.InputSpec.Interpolation;
import dev.jdnn.networks.models.Normalization;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Preprocessing against torchvision.transforms.v2 (torch 2.x, made by ci/pytorch/make_preprocessing_fixture.py) on
 * four PNGs: RGB 200×150 (5× downscale, where antialiasing matters), grey 97×131 (odd sizes: half-pixel crop offsets,
 * grey to RGB), RGB 30×22 (upscaling) and RGBA 75×60 (alpha dropped). Tolerances: 1e-5 on normalised values against
 * torchvision on float tensors (the same computation; float rounding only), 1.01/255/std against torchvision on PIL
 * images (PIL rounds to 8 bits after each resize pass).
 */
class PreprocessingTest {
    private static final double TENSOR_TOLERANCE = 1e-5;

    private static Path resource(String name) throws Exception {
        return Path.of(PreprocessingTest.class.getResource("/preprocessing/" + name).toURI());
    }

    private record Case(String image, String pipeline, float[] expected, long[] shape) {}

    private static List<Case> cases(SafeTensorsFile f) {
        List<Case> out = new ArrayList<>();
        for (var e : f.entries().entrySet()) {
            String[] parts = e.getKey().split("/");
            out.add(new Case(parts[0], parts[1], f.readFloats(e.getKey()), e.getValue().shape()));
        }
        return out;
    }

    @Test
    void evaluationPreprocessingEqualsTorchvisions() throws Exception {
        int checked = 0;
        try (SafeTensorsFile f = SafeTensorsFile.open(resource("reference.safetensors"))) {
            JsonNode pipelines = new ObjectMapper().readTree(f.metadata().get("pipelines"));
            for (Case c : cases(f)) {
                JsonNode p = pipelines.get(c.pipeline());
                if (p.get("kind").asText().equals("resized_crop")) continue;
                boolean grey = p.path("grey").asBoolean(false);
                Normalization norm = p.get("norm").asText().equals("imagenet") ? Normalization.IMAGENET : Normalization.FASHION_MNIST;
                int crop = p.get("crop").asInt();
                InputSpec spec = new InputSpec(grey ? 1 : 3, crop, crop, p.get("resize").asInt(),
                        p.get("interpolation").asText().equals("bicubic") ? Interpolation.BICUBIC : Interpolation.BILINEAR, norm);
                float[] actual = new Preprocessing(spec).apply(resource(c.image() + ".png"));
                assertArrayEquals(new long[]{spec.channels(), crop, crop}, c.shape(), c.image() + "/" + c.pipeline());
                double tolerance = p.get("kind").asText().equals("pil") ? 1.01 / 255 / 0.224 : TENSOR_TOLERANCE;
                assertClose(c.expected(), actual, tolerance, c.image() + "/" + c.pipeline());
                System.out.printf("preprocessing %s/%s: max |diff| %.3g (tolerance %.3g)%n", c.image(), c.pipeline(), maxDiff(c.expected(), actual), tolerance);
                checked++;
            }
        }
        assertEquals(15, checked, "every (image, pipeline) of the fixture");
    }

    @Test
    void resizedCropEqualsTorchvisions() throws Exception {
        try (SafeTensorsFile f = SafeTensorsFile.open(resource("reference.safetensors"))) {
            float[] expected = f.readFloats("rgb_200x150/resized_crop_17_33_90_120_24");
            float[] actual = new float[3 * 24 * 24];
            Preprocessing.resizedCrop(FloatImage.read(resource("rgb_200x150.png")), 17, 33, 90, 120, 24, 24, Interpolation.BILINEAR, actual);
            assertClose(expected, actual, 1e-6, "resized_crop");
        }
    }

    /** Without antialiasing (plain bilinear sampling) the 5× downscale of the striped image would be far off. */
    @Test
    void theReferenceIsSensitiveToAntialiasing() throws Exception {
        try (SafeTensorsFile f = SafeTensorsFile.open(resource("reference.safetensors"))) {
            float[] expected = f.readFloats("rgb_200x150/bilinear_40_32");
            FloatImage img = FloatImage.read(resource("rgb_200x150.png"));
            // Point-sampled nearest pixels of the same geometry: what a filter without antialiasing sees.
            int[] size = Preprocessing.resizedSize(150, 200, 40);
            float[] pointSampled = new float[3 * 32 * 32];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 32; y++)
                    for (int x = 0; x < 32; x++) {
                        int sy = (int) ((y + Preprocessing.centreOffset(size[0], 32) + 0.5) * 150 / size[0]);
                        int sx = (int) ((x + Preprocessing.centreOffset(size[1], 32) + 0.5) * 200 / size[1]);
                        pointSampled[(c * 32 + y) * 32 + x] = img.data()[(c * 150 + sy) * 200 + sx];
                    }
            Normalization.IMAGENET.apply(pointSampled, 32 * 32);
            double maxDiff = 0;
            for (int i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(expected[i] - pointSampled[i]));
            assertTrue(maxDiff > 0.5, "max diff without antialiasing only " + maxDiff);
        }
    }

    @Test
    void sizesAndOffsetsFollowTorchvision() {
        assertArrayEquals(new int[]{256, 341}, Preprocessing.resizedSize(375, 500, 256)); // int(256·500/375) = 341
        assertArrayEquals(new int[]{345, 256}, Preprocessing.resizedSize(131, 97, 256));
        assertArrayEquals(new int[]{40, 40}, Preprocessing.resizedSize(7, 7, 40));
        assertEquals(8, Preprocessing.centreOffset(73, 56));  // round(8.5) = 8: half to even
        assertEquals(10, Preprocessing.centreOffset(77, 56)); // round(10.5) = 10
        assertEquals(12, Preprocessing.centreOffset(81, 56)); // round(12.5) = 12
        assertEquals(6, Preprocessing.centreOffset(69, 56));  // round(6.5) = 6
        assertEquals(8, Preprocessing.centreOffset(71, 56));  // round(7.5) = 8
    }

    @Test
    void greyImagesAreReadFromTheRasterNotBrightened() throws Exception {
        FloatImage grey = FloatImage.read(resource("grey_97x131.png"));
        assertEquals(1, grey.channels());
        java.awt.image.BufferedImage raw = javax.imageio.ImageIO.read(resource("grey_97x131.png").toFile());
        assertEquals(raw.getRaster().getSample(5, 7, 0) / 255f, grey.data()[7 * 97 + 5], 1e-7);
        assertEquals(3, FloatImage.read(resource("rgba_75x60.png")).channels());
    }

    private static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return max;
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        double max = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (d > max) { max = d; at = i; }
        }
        final int worst = at;
        final double maxDiff = max;
        assertTrue(maxDiff <= tolerance, () -> what + ": max |diff| " + maxDiff + " at " + worst + " > " + tolerance);
    }
}
