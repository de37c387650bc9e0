package dev.jdnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Writes a small CIFAR-10 binary set (data_batch_1..5.bin, test_batch.bin; 3×32×32): class c is brighter in channel c % 3. */
final class SyntheticCifar10 {
    private SyntheticCifar10() {}

    /** {@code perBatch} images in each of the five training files, {@code test} in the test file. */
    static Path write(Path dir, int perBatch, int test) throws IOException {
        Path base = dir.resolve("cifar-10-batches-bin");
        Files.createDirectories(base);
        for (int b = 1; b <= 5; b++) Files.write(base.resolve("data_batch_" + b + ".bin"), records(perBatch, b));
        Files.write(base.resolve("test_batch.bin"), records(test, 99));
        return dir;
    }

    private static byte[] records(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] out = new byte[n * 3073];
        for (int i = 0; i < n; i++) {
            int label = i % 10, at = i * 3073;
            out[at] = (byte) label;
            for (int k = 0; k < 3072; k++) out[at + 1 + k] = (byte) ((k / 1024 == label % 3 ? 160 : 40) + r.nextInt(60));
        }
        return out;
    }
}
