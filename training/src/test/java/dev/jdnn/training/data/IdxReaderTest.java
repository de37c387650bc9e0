package dev.jdnn.training.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static byte[] pixels(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) p[i] = (byte) (i * 37);
        return p;
    }

    @Test
    void readsGzippedAndPlainFilesAsTheFashionMnistDataSource() throws Exception {
        byte[] px = pixels(3 * 4 * 5);
        TestFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), TestFiles.gzip(TestFiles.idxImages(3, 4, 5, px)));
        TestFiles.write(dir.resolve("train-labels-idx1-ubyte"), TestFiles.idxLabels(new int[]{9, 0, 4}));
        Dataset ds = DataSource.FASHION_MNIST.open(dir, true, 0);
        assertEquals(3, ds.size());
        assertEquals(1, ds.channels());
        assertEquals(4, ds.height());
        assertEquals(5, ds.width());
        assertEquals("Ankle boot", ds.classNames().get(ds.label(0)));
        Dataset.Sample s = ds.sample(2);
        assertEquals(4, s.label());
        for (int k = 0; k < 20; k++) assertEquals((px[40 + k] & 0xFF) / 255f, s.chw()[k], "pixel " + k);
    }

    @Test
    void badMagicNamesFileAndOffset() throws Exception {
        Path f = TestFiles.write(dir.resolve("x-images"), TestFiles.idxLabels(new int[]{1, 2}));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(f));
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("bad magic number 0x00000801"), e.getMessage());
    }

    @Test
    void truncatedImagesNameFileAndOffset() throws Exception {
        byte[] full = TestFiles.idxImages(3, 4, 5, pixels(60));
        Path f = TestFiles.write(dir.resolve("t-images"), Arrays.copyOf(full, 50));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(f));
        assertEquals(50, e.offset());
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(f.toString()), e.getMessage());
        Path header = TestFiles.write(dir.resolve("h-images"), Arrays.copyOf(full, 10));
        assertTrue(assertThrows(DataFormatException.class, () -> IdxReader.readImages(header)).getMessage().contains("row count"));
    }

    @Test
    void truncatedGzipStreamIsReported() throws Exception {
        byte[] gz = TestFiles.gzip(TestFiles.idxImages(3, 4, 5, pixels(60)));
        Path f = TestFiles.write(dir.resolve("g-images.gz"), Arrays.copyOf(gz, gz.length - 12));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("gzip") && e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void missingDataSetSaysWhereItLookedAndHowToInstall() {
        Path nowhere = dir.resolve("nope");
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class, () -> DataSource.FASHION_MNIST.open(nowhere, true, 0));
        assertTrue(e.getMessage().contains(nowhere.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("sudo apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("--data-dir"), e.getMessage());
    }

    @Test
    void labelCountMismatchIsReported() throws Exception {
        TestFiles.write(dir.resolve("t10k-images-idx3-ubyte"), TestFiles.idxImages(2, 2, 2, pixels(8)));
        TestFiles.write(dir.resolve("t10k-labels-idx1-ubyte"), TestFiles.idxLabels(new int[]{1}));
        var e = assertThrows(DataFormatException.class, () -> DataSource.MNIST.open(dir, false, 0));
        assertTrue(e.getMessage().contains("1 labels but t10k-images-idx3-ubyte holds 2 images"), e.getMessage());
    }
}
