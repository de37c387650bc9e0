package dev.jdnn.training.data;

import dev.jdnn.memory.HostAllocator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class DataLoaderTest {
    /** 23 single-channel 4×4 images; image i has every pixel (i+1)/255 and label i mod 3. */
    private static ByteImageDataset dataset() {
        int n = 23;
        byte[] px = new byte[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(px, i * 16, i * 16 + 16, (byte) (i + 1));
            labels[i] = i % 3;
        }
        return new ByteImageDataset(px, labels, 1, 4, 4, List.of("a", "b", "c"));
    }

    private static final Transform AUGMENT = Augmentations.padAndRandomCrop(1).andThen(Augmentations.horizontalFlip(0.5));

    private static List<float[]> collect(DataLoader loader, int epoch, int start) {
        List<float[]> out = new ArrayList<>();
        try (DataLoader.Epoch it = loader.epoch(epoch, start)) {
            while (it.hasNext()) {
                Batch b = it.next();
                float[] images = b.images().toFloatArray();
                float[] rec = java.util.Arrays.copyOf(images, images.length + b.capacity());
                for (int k = 0; k < b.capacity(); k++) rec[images.length + k] = b.labels()[k];
                out.add(rec);
            }
        }
        return out;
    }

    @Test
    void trainingDropsTheLastPartialBatchAndVisitsEachSampleOnce() {
        try (DataLoader loader = new DataLoader(dataset(), null, new DataLoader.Options(5, true, true, 7, 2, 2))) {
            assertEquals(4, loader.batchesPerEpoch());
            Set<Float> seen = new HashSet<>();
            for (float[] rec : collect(loader, 0, 0)) for (int k = 0; k < 5; k++) assertTrue(seen.add(rec[k * 16]), "sample seen twice");
            assertEquals(20, seen.size());
        }
    }

    @Test
    void evaluationPadsTheLastBatchWithZeros() {
        try (DataLoader loader = new DataLoader(dataset(), null, DataLoader.Options.evaluation(10));
             DataLoader.Epoch it = loader.epoch(0)) {
            assertEquals(3, loader.batchesPerEpoch());
            it.next();
            it.next();
            Batch last = it.next();
            assertEquals(3, last.count());
            assertTrue(last.isPadded());
            float[] im = last.images().toFloatArray();
            assertEquals(21 / 255f, im[0]); // unshuffled: samples 20, 21, 22
            assertEquals(23 / 255f, im[2 * 16]);
            for (int k = 3 * 16; k < im.length; k++) assertEquals(0f, im[k]);
            assertFalse(it.hasNext());
            assertTrue(loader.totalWaitNanos() >= loader.lastWaitNanos() && loader.lastWaitNanos() >= 0);
        }
    }

    @Test
    void batchesAreAPureFunctionOfSeedAndEpochWhateverTheThreads() {
        List<float[]> oneThread, threeThreads, otherEpoch, resumed;
        try (DataLoader l = new DataLoader(dataset(), AUGMENT, new DataLoader.Options(4, true, true, 99, 1, 1))) {
            oneThread = collect(l, 1, 0);
            otherEpoch = collect(l, 2, 0);
        }
        try (DataLoader l = new DataLoader(dataset(), AUGMENT, new DataLoader.Options(4, true, true, 99, 3, 4), HostAllocator.global())) {
            threeThreads = collect(l, 1, 0);
            resumed = collect(l, 1, 3);
        }
        assertEquals(oneThread.size(), threeThreads.size());
        for (int i = 0; i < oneThread.size(); i++) assertArrayEquals(oneThread.get(i), threeThreads.get(i), "batch " + i);
        for (int i = 3; i < oneThread.size(); i++) assertArrayEquals(oneThread.get(i), resumed.get(i - 3), "resumed batch " + i);
        boolean differs = false;
        for (int i = 0; i < oneThread.size(); i++) differs |= !java.util.Arrays.equals(oneThread.get(i), otherEpoch.get(i));
        assertTrue(differs, "epoch 2 must be shuffled differently from epoch 1");
    }

    @Test
    void aFailingSampleSurfacesItsExceptionToTheConsumer() {
        ByteImageDataset good = dataset();
        Dataset bad = new Dataset() {
            @Override public int size() { return good.size(); }
            @Override public java.util.List<String> classNames() { return good.classNames(); }
            @Override public int channels() { return 1; }
            @Override public int height() { return 4; }
            @Override public int width() { return 4; }
            @Override public int label(int i) { return good.label(i); }
            @Override public int read(int i, float[] chw) {
                if (i == 7) throw new DataFormatException(java.nio.file.Path.of("img7.png"), 12, "corrupt");
                return good.read(i, chw);
            }
        };
        try (DataLoader loader = new DataLoader(bad, null, DataLoader.Options.evaluation(4)); DataLoader.Epoch it = loader.epoch(0)) {
            it.next();
            DataFormatException e = assertThrows(DataFormatException.class, it::next);
            assertTrue(e.getMessage().contains("img7.png"));
        }
    }
}
