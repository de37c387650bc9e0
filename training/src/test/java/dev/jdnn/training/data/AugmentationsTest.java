package dev.jdnn.training.data;

import dev.jdnn.networks.models.Normalization;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class AugmentationsTest {
    private static Transform.ImageBuffer ramp(int c, int h, int w) {
        Transform.ImageBuffer img = new Transform.ImageBuffer(c, h, w);
        for (int i = 0; i < img.data().length; i++) img.data()[i] = 1 + i; // all non-zero, all distinct
        return img;
    }

    @Test
    void normalizeUsesPerChannelStatistics() {
        Transform.ImageBuffer img = new Transform.ImageBuffer(3, 1, 2);
        float[] d = img.data();
        d[0] = 0.4914f; d[1] = 1f; d[2] = 0f; d[3] = 0.5f; d[4] = 0.4465f; d[5] = 0.2f;
        Augmentations.normalize(Normalization.CIFAR10).apply(img, new SplittableRandom(1));
        assertEquals(0f, d[0], 1e-6);
        assertEquals((1 - 0.4914) / 0.2470, d[1], 1e-5);
        assertEquals(-0.4822 / 0.2435, d[2], 1e-5);
        assertEquals((0.5 - 0.4822) / 0.2435, d[3], 1e-5);
        assertEquals(0f, d[4], 1e-6);
        assertEquals((0.2 - 0.4465) / 0.2616, d[5], 1e-5);
        assertThrows(IllegalArgumentException.class, () -> Augmentations.normalize(Normalization.FASHION_MNIST).apply(img, new SplittableRandom(1)));
    }

    @Test
    void padAndCropIsAZeroFilledShiftWithinThePadding() {
        int c = 2, h = 5, w = 6, pad = 2;
        for (long seed = 0; seed < 20; seed++) {
            Transform.ImageBuffer img = ramp(c, h, w);
            float[] before = img.data().clone();
            Augmentations.padAndRandomCrop(pad).apply(img, new SplittableRandom(seed));
            boolean matched = false;
            for (int dy = -pad; dy <= pad && !matched; dy++) {
                for (int dx = -pad; dx <= pad && !matched; dx++) matched = isShift(before, img.data(), c, h, w, dy, dx);
            }
            assertTrue(matched, "seed " + seed + ": output is not a shift of the input by at most the padding");
        }
    }

    private static boolean isShift(float[] in, float[] out, int c, int h, int w, int dy, int dx) {
        for (int ch = 0; ch < c; ch++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            int sy = y + dy, sx = x + dx;
            float expected = sy >= 0 && sy < h && sx >= 0 && sx < w ? in[(ch * h + sy) * w + sx] : 0f;
            if (out[(ch * h + y) * w + x] != expected) return false;
        }
        return true;
    }

    @Test
    void flipMirrorsRowsAndTwiceIsIdentity() {
        Transform flip = Augmentations.horizontalFlip(1.0);
        Transform.ImageBuffer img = ramp(2, 3, 4);
        float[] before = img.data().clone();
        flip.apply(img, new SplittableRandom(0));
        assertEquals(before[3], img.data()[0]);
        assertEquals(before[12 + 4], img.data()[12 + 7]);
        flip.apply(img, new SplittableRandom(0));
        assertArrayEquals(before, img.data());
        Transform.ImageBuffer kept = ramp(1, 2, 2);
        Augmentations.horizontalFlip(0.0).apply(kept, new SplittableRandom(0));
        assertArrayEquals(ramp(1, 2, 2).data(), kept.data());
    }
}
