package dev.jdnn.training.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ImageCropTest {
    private static FloatImage ramp(int c, int h, int w) {
        float[] d = new float[c * h * w];
        for (int i = 0; i < d.length; i++) d[i] = (i % 97) / 97f;
        return new FloatImage(d, c, h, w);
    }

    @Test
    void randomResizedCropOfTheWholeImageIsIdentity() {
        FloatImage img = ramp(3, 7, 7);
        float[] out = new float[3 * 49];
        new ImageCrop.RandomResized(7, 1.0, 1.0, 1.0, 1.0).apply(img, new SplittableRandom(3), out);
        assertArrayEquals(img.data(), out, 1e-6f);
    }

    @Test
    void randomResizedCropOfAConstantImageStaysConstantAndIsSeeded() {
        ImageCrop rrc = ImageCrop.RandomResized.standard(8);
        FloatImage img = ramp(1, 16, 16);
        float[] a = new float[64], b = new float[64], c = new float[64];
        rrc.apply(img, new SplittableRandom(42), a);
        rrc.apply(img, new SplittableRandom(42), b);
        rrc.apply(img, new SplittableRandom(43), c);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        float[] flat = new float[81];
        Arrays.fill(flat, 0.25f);
        float[] out = new float[25];
        ImageCrop.RandomResized.standard(5).apply(new FloatImage(flat, 1, 9, 9), new SplittableRandom(5), out);
        for (float v : out) assertEquals(0.25f, v, 1e-6);
    }

    /** The boxes follow torchvision's get_params: inside the image, area and aspect ratio within their ranges. */
    @Test
    void boxesStayInsideTheImageWithinTheScaleAndRatioRanges() {
        ImageCrop.RandomResized rrc = ImageCrop.RandomResized.standard(8);
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 500; i++) {
            int[] box = rrc.box(90, 120, rng);
            assertTrue(box[0] >= 0 && box[1] >= 0 && box[0] + box[2] <= 90 && box[1] + box[3] <= 120, Arrays.toString(box));
            double area = (double) box[2] * box[3] / (90 * 120), ratio = (double) box[3] / box[2];
            assertTrue(area > 0.06 && area <= 1.0 + 1e-9, "area " + area);
            assertTrue(ratio > 0.7 && ratio < 1.4, "ratio " + ratio);
        }
        // Impossible ranges fall back to torchvision's central crop: a 10×100 strip with ratios near 1 and scale 1.
        assertArrayEquals(new int[]{0, 43, 10, 13}, new ImageCrop.RandomResized(8, 1.0, 1.0, 0.75, 4.0 / 3).box(10, 100, new SplittableRandom(0)));
    }

    @Test
    void greyDataSetsBecomeRgbByRepeatingTheChannel() {
        Dataset grey = new ByteImageDataset(new byte[]{0, 51, (byte) 255, 102}, new int[]{1}, 1, 2, 2, java.util.List.of("a", "b"));
        Dataset rgb = grey.withChannels(3);
        assertEquals(3, rgb.channels());
        assertEquals(12, rgb.sampleSize());
        Dataset.Sample s = rgb.sample(0);
        assertEquals(1, s.label());
        float[] plane = {0f, 0.2f, 1f, 0.4f};
        for (int c = 0; c < 3; c++) for (int i = 0; i < 4; i++) assertEquals(plane[i], s.chw()[c * 4 + i], 1e-6);
        assertSame(rgb, rgb.withChannels(3));
        assertEquals(1, rgb.withChannels(1).channels());
        assertThrows(IllegalArgumentException.class, () -> grey.withChannels(2));
    }

    @Test
    void badParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ImageCrop.RandomResized(8, 0.5, 0.2, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ImageCrop.Centre(4, 8));
    }
}
