package dev.jdnn.training.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CifarReaderTest {
    @TempDir
    Path dir;

    @Test
    void cifar10TrainingSplitConcatenatesTheFiveBatches() throws Exception {
        Path base = dir.resolve("cifar-10-batches-bin");
        for (int b = 1; b <= 5; b++) TestFiles.write(base.resolve("data_batch_" + b + ".bin"), TestFiles.cifar(new int[][]{{b}, {b + 4}}));
        TestFiles.write(base.resolve("test_batch.bin"), TestFiles.cifar(new int[][]{{3}}));
        Dataset train = DataSource.CIFAR10.open(dir, true, 0); // parent directory is accepted too
        assertEquals(10, train.size());
        assertEquals(3, train.channels());
        assertEquals(List.of(1, 5, 2, 6, 3, 7, 4, 8, 5, 9), java.util.stream.IntStream.range(0, 10).map(train::label).boxed().toList());
        // record 1 of each file: pixel k = (7 + k) mod 256; CHW order is the file's order
        float[] chw = train.sample(1).chw();
        for (int k : new int[]{0, 1, 1023, 1024, 3071}) assertEquals(((7 + k) & 0xFF) / 255f, chw[k], "pixel " + k);
        Dataset test = DataSource.CIFAR10.open(base, false, 0);
        assertEquals("cat", test.classNames().get(test.label(0)));
    }

    @Test
    void cifar100UsesTheFineLabel() throws Exception {
        Path f = TestFiles.write(dir.resolve("train.bin"), TestFiles.cifar(new int[][]{{19, 87}, {3, 0}}));
        Dataset ds = DataSource.CIFAR100.open(dir, true, 0);
        assertEquals(100, ds.numClasses());
        assertEquals(87, ds.label(0));
        assertEquals(0, ds.label(1));
        assertEquals(2 / 255f, ds.sample(0).chw()[2]); // label bytes are skipped: pixel 2 of record 0
        assertTrue(f.toFile().exists());
    }

    @Test
    void truncatedFileNamesFileAndOffset() throws Exception {
        byte[] two = TestFiles.cifar(new int[][]{{1}, {2}});
        Path f = TestFiles.write(dir.resolve("test_batch.bin"), Arrays.copyOf(two, two.length - 100));
        DataFormatException e = assertThrows(DataFormatException.class, () -> DataSource.CIFAR10.open(dir, false, 0));
        assertEquals(3073, e.offset());
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void outOfRangeLabelPointsAtItsByte() throws Exception {
        Path f = TestFiles.write(dir.resolve("x.bin"), TestFiles.cifar(new int[][]{{1}, {200}}));
        DataFormatException e = assertThrows(DataFormatException.class, () -> CifarReader.read(List.of(f), CifarReader.Variant.CIFAR10, ClassNames.CIFAR_10));
        assertEquals(3073, e.offset());
    }

    @Test
    void filesLargerThanAnArrayAreRefusedBeforeReading() throws Exception {
        Path f = TestFiles.sparse(dir.resolve("huge.bin"), TestFiles.cifar(new int[][]{{1}}), 3L << 30);
        DataFormatException e = assertThrows(DataFormatException.class, () -> CifarReader.read(List.of(f), CifarReader.Variant.CIFAR10, ClassNames.CIFAR_10));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("data files over 2 GiB are not supported"), e.getMessage());
    }

    @Test
    void aGzNameOnAFileThatIsNotGzipSaysSo() throws Exception {
        Path f = TestFiles.write(dir.resolve("test_batch.bin.gz"), TestFiles.cifar(new int[][]{{1}}));
        var e = assertThrows(DataFormatException.class, () -> DataSource.CIFAR10.open(dir, false, 0));
        assertTrue(e.getMessage().startsWith(f + ": not a gzip file"), e.getMessage());
    }
}
