package dev.jdnn.examples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Fashion-MNIST's four IDX files with 600 + 200 synthetic 28×28 images (class c lights a band at row 2c), where the real set is absent. */
final class SyntheticFashionMnist {
    private SyntheticFashionMnist() {}

    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        split(dir, "train", 600, 1);
        split(dir, "t10k", 200, 2);
        return dir;
    }

    private static void split(Path dir, String prefix, int n, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        ByteBuffer images = ByteBuffer.allocate(16 + n * 784).putInt(0x803).putInt(n).putInt(28).putInt(28);
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            int c = i % 10;
            labels.put((byte) c);
            for (int k = 0; k < 784; k++) images.put((byte) ((k / 28 >= 2 * c + 2 && k / 28 < 2 * c + 6 ? 200 : 20) + r.nextInt(40)));
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), images.array());
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), labels.array());
    }
}
