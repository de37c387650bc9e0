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

    @Test
    void headerSizesThatOverflowAreRefusedNamingTheFile() throws Exception {
        // 2^22 x 2^21 x 2^21 bytes wraps to 0 in 64 bits: read as "no pixels needed" before.
        Path wraps = TestFiles.write(dir.resolve("wrap-images"), TestFiles.idxImages(1 << 22, 1 << 21, 1 << 21, new byte[0]));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(wraps));
        assertTrue(e.getMessage().startsWith(wraps + ": the size of 4194304 images of 2097152x2097152 overflows"), e.getMessage());
        int max = Integer.MAX_VALUE;
        Path huge = TestFiles.write(dir.resolve("max-images"), TestFiles.idxImages(max, max, max, new byte[0]));
        assertTrue(assertThrows(DataFormatException.class, () -> IdxReader.readImages(huge)).getMessage().contains("overflows"));
    }

    @Test
    void declaredSizesBeyondTheFileAreRefusedBeforeAllocating() throws Exception {
        // 2^40 bytes of pixels declared: allocating them would be an OutOfMemoryError, not a message.
        Path plain = TestFiles.write(dir.resolve("big-images"), TestFiles.idxImages(1 << 20, 1 << 10, 1 << 10, new byte[8]));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(plain));
        assertEquals(24, e.offset());
        assertTrue(e.getMessage().contains("needs bytes 16..1099511627792 but the file has 24"), e.getMessage());
        // gzip: a 1 MiB data set declared in a file that cannot decompress to that much (1032:1 at best).
        Path gz = TestFiles.write(dir.resolve("big-images.gz"), TestFiles.gzip(TestFiles.idxImages(1024, 32, 32, new byte[4])));
        DataFormatException g = assertThrows(DataFormatException.class, () -> IdxReader.readImages(gz));
        assertTrue(g.getMessage().contains("gzip file decompresses to at most"), g.getMessage());
        // More than a Java array holds, in a (sparse) 3 GiB file that does hold it: refused by name, not by an OutOfMemoryError.
        Path labels = TestFiles.sparse(dir.resolve("many-labels"), java.nio.ByteBuffer.allocate(8).putInt(IdxReader.LABELS_MAGIC).putInt(Integer.MAX_VALUE).array(), 3L << 30);
        DataFormatException big = assertThrows(DataFormatException.class, () -> IdxReader.readLabels(labels));
        assertTrue(big.getMessage().contains("2147483647 labels take 2147483647 bytes; one Java array holds at most 2147483639"), big.getMessage());
    }

    @Test
    void imagesWithoutPixelsAndNegativeDimensionsAreRefused() throws Exception {
        Path empty = TestFiles.write(dir.resolve("zero-images"), TestFiles.idxImages(5, 0, 28, new byte[0]));
        assertTrue(assertThrows(DataFormatException.class, () -> IdxReader.readImages(empty)).getMessage().contains("images of 0x28 have no pixels"));
        Path negative = TestFiles.write(dir.resolve("neg-images"), TestFiles.idxImages(-3, 2, 2, new byte[0]));
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(negative));
        assertEquals(4, e.offset());
        assertTrue(e.getMessage().contains("negative image count -3"), e.getMessage());
    }

    @Test
    void aGzNameOnAFileThatIsNotGzipSaysSo() throws Exception {
        Path f = TestFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), "this is plain text".getBytes());
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().startsWith(f + ": not a gzip file") && e.getMessage().contains("starts with 74 68"), e.getMessage());
        Path empty = TestFiles.write(dir.resolve("e.gz"), new byte[0]);
        assertTrue(assertThrows(DataFormatException.class, () -> IdxReader.readImages(empty)).getMessage().contains("not a gzip file"));
        // Without the .gz name, an uncompressed file is read as such.
        Path plain = TestFiles.write(dir.resolve("plain-labels"), TestFiles.idxLabels(new int[]{3, 1}));
        assertArrayEquals(new int[]{3, 1}, IdxReader.readLabels(plain));
    }
}
