package dev.jdnn.training.fuzz;

import dev.jdnn.training.data.ByteImageDataset;
import dev.jdnn.training.data.CifarReader;
import dev.jdnn.training.data.DataFormatException;
import dev.jdnn.training.data.IdxReader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fuzzes the IDX (MNIST) and CIFAR binary readers with files built around their formats: real and wrong magic
 * numbers, dimensions from 0 to 2^31-1 and negative, payloads exact, short and long, gzip-compressed or not, cut at
 * any byte, named .gz or not. See {@link Fuzzing} for the property and how to run longer.
 */
class DataFileFuzzTest {
    /** An IDX-like file: magic, 1 or 3 dimensions, a payload, maybe gzip, maybe cut short, maybe named .gz. */
    record IdxFile(byte[] bytes, boolean gzName, Fault fault) {
        @Override
        public String toString() {
            return "IdxFile[" + fault + ", " + bytes.length + " bytes, starting " + java.util.HexFormat.of().formatHex(bytes, 0, Math.min(16, bytes.length))
                    + (gzName ? ", named .gz" : "") + "]";
        }
    }

    /** What is wrong with a generated file: nothing (a valid file) or one fault. */
    enum Fault { NONE, MAGIC, HUGE_DIMENSION, NEGATIVE_DIMENSION, ANY_DIMENSION, PAYLOAD_LENGTH, CUT, GZIP_CUT, GZ_NAME_ON_PLAIN, RANDOM_BYTE }

    private static final Arbitrary<Fault> FAULTS = Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.just(Fault.NONE)), Tuple.of(10, Arbitraries.of(Fault.class)));

    private static Arbitrary<IdxFile> idxFiles(boolean images) {
        Arbitrary<Integer> small = Arbitraries.integers().between(1, 9);
        Arbitrary<Integer> huge = Arbitraries.of(255, 256, 65536, 1 << 20, 1 << 21, 1 << 22, 1 << 30, Integer.MAX_VALUE);
        Arbitrary<Integer> negative = Arbitraries.of(-1, Integer.MIN_VALUE, -50331504);
        return Combinators.combine(FAULTS, small.list().ofSize(3), Arbitraries.integers().between(0, 2), huge.list().ofSize(3), negative, Arbitraries.integers(),
                Arbitraries.integers().between(-40, 40), Arbitraries.of(false, true)).as((fault, dims, which, big, neg, any, n, gzip) -> {
            int[] d = {dims.get(0), dims.get(1), dims.get(2)};
            if (!images) which = 0;
            switch (fault) {
                case HUGE_DIMENSION -> { // one huge dimension, or all three (whose product may wrap around 64 bits)
                    if (n % 2 == 0) d[which] = big.get(0);
                    else for (int i = 0; i < 3; i++) d[i] = big.get(i);
                }
                case NEGATIVE_DIMENSION -> d[which] = neg;
                case ANY_DIMENSION -> d[which] = any;
                default -> { }
            }
            int magic = fault == Fault.MAGIC ? (n % 2 == 0 ? (images ? IdxReader.LABELS_MAGIC : IdxReader.IMAGES_MAGIC) : any) : images ? IdxReader.IMAGES_MAGIC : IdxReader.LABELS_MAGIC;
            long declared = images ? (long) d[0] * d[1] * d[2] : d[0]; // wraps for big dimensions, as a careless reader computes it
            int payload = (int) Math.max(0, Math.min(4096, declared >= 0 && declared <= 4096 ? declared : 64));
            if (fault == Fault.PAYLOAD_LENGTH) payload = Math.max(0, payload + (n == 0 ? -1 : n));
            ByteBuffer buf = ByteBuffer.allocate(16 + payload).putInt(magic).putInt(d[0]);
            if (images) buf.putInt(d[1]).putInt(d[2]);
            for (int i = 0; i < payload; i++) buf.put((byte) (i * 31 + 7));
            byte[] bytes = Arrays.copyOf(buf.array(), buf.position());
            if (fault == Fault.CUT) bytes = Arrays.copyOf(bytes, Math.abs(n) % bytes.length);
            if (fault == Fault.RANDOM_BYTE) bytes[Math.abs(n) % bytes.length] ^= (byte) (any | 1);
            boolean compress = gzip || fault == Fault.GZIP_CUT;
            if (compress && fault != Fault.GZ_NAME_ON_PLAIN) {
                bytes = gzip(bytes);
                if (fault == Fault.GZIP_CUT) bytes = Arrays.copyOf(bytes, Math.abs(n) % bytes.length);
            }
            return new IdxFile(bytes, fault == Fault.GZ_NAME_ON_PLAIN || compress && n % 3 == 0, fault);
        });
    }

    @Provide
    Arbitrary<IdxFile> idxImageFiles() {
        return idxFiles(true);
    }

    @Provide
    Arbitrary<IdxFile> idxLabelFiles() {
        return idxFiles(false);
    }

    @Property(seed = "170417")
    void idxImagesAreReadOrRefusedByName(@ForAll("idxImageFiles") IdxFile f) {
        Path p = Fuzzing.write(f.gzName() ? "-images.gz" : "-images", f.bytes());
        Fuzzing.readsOrRefuses(p, DataFormatException.class, () -> IdxReader.readImages(p), im -> {
            assertTrue(im.count() >= 0 && im.rows() > 0 && im.cols() > 0, im.toString());
            assertEquals(Math.multiplyExact(Math.multiplyExact((long) im.count(), im.rows()), im.cols()), im.pixels().length, "exactly, not modulo 2^64");
        });
        Fuzzing.requireBothOutcomes(5);
    }

    @Property(seed = "170418")
    void idxLabelsAreReadOrRefusedByName(@ForAll("idxLabelFiles") IdxFile f) {
        Path p = Fuzzing.write(f.gzName() ? "-labels.gz" : "-labels", f.bytes());
        Fuzzing.readsOrRefuses(p, DataFormatException.class, () -> IdxReader.readLabels(p), labels -> {
            for (int l : labels) assertTrue(l >= 0 && l < 256);
        });
        Fuzzing.requireBothOutcomes(5);
    }

    @Property(seed = "170419")
    void arbitraryBytesAreReadOrRefusedByName(@ForAll byte[] bytes, @ForAll boolean gzName) {
        Path idx = Fuzzing.write(gzName ? ".gz" : ".idx", bytes);
        Fuzzing.readsOrRefuses(idx, DataFormatException.class, () -> IdxReader.readImages(idx),
                im -> assertEquals(Math.multiplyExact(Math.multiplyExact((long) im.count(), im.rows()), im.cols()), im.pixels().length));
        Path cifar = Fuzzing.write(gzName ? ".gz" : ".bin", bytes);
        Fuzzing.readsOrRefuses(cifar, DataFormatException.class, () -> CifarReader.read(List.of(cifar), CifarReader.Variant.CIFAR10, CLASSES), d -> assertValid(d, 10));
    }

    private static final List<String> CLASSES = IntStream.range(0, 10).mapToObj(Integer::toString).toList();
    private static final List<String> CLASSES_100 = IntStream.range(0, 100).mapToObj(Integer::toString).toList();

    /** CIFAR batches: whole records with random label bytes, and maybe one fault (cut, padded, gzip cut, empty, .gz name). */
    @Provide
    Arbitrary<List<byte[]>> cifarFiles() {
        Arbitrary<byte[]> one = Combinators.combine(FAULTS, Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, 9),
                Arbitraries.integers().between(0, 255), Arbitraries.integers()).as((fault, records, l0, l1, n) -> {
            int len = records * (2 + CifarReader.IMAGE_BYTES);
            byte[] b = new byte[len];
            for (int r = 0; r < records; r++) {
                b[r * (2 + CifarReader.IMAGE_BYTES)] = (byte) (l0 + r);
                b[r * (2 + CifarReader.IMAGE_BYTES) + 1] = (byte) (int) l1;
            }
            return switch (fault) {
                case PAYLOAD_LENGTH -> Arrays.copyOf(b, len + (n % 5 == 0 ? 1 : n % 5));
                case CUT -> Arrays.copyOf(b, Math.floorMod(n, len));
                case RANDOM_BYTE, MAGIC -> {
                    b[Math.floorMod(n, len)] = (byte) (n >> 8);
                    yield b;
                }
                case GZIP_CUT -> Arrays.copyOf(gzip(b), Math.floorMod(n, 40));
                case HUGE_DIMENSION, NEGATIVE_DIMENSION, ANY_DIMENSION -> gzip(b);
                default -> b;
            };
        });
        return one.list().ofMinSize(1).ofMaxSize(3);
    }

    @Property(seed = "170420")
    void cifarBatchesAreReadOrRefusedByName(@ForAll("cifarFiles") List<byte[]> contents, @ForAll CifarReader.Variant variant) {
        List<Path> files = new ArrayList<>();
        for (byte[] c : contents) files.add(Fuzzing.write(".bin", c));
        List<String> classes = variant == CifarReader.Variant.CIFAR100_FINE ? CLASSES_100 : CLASSES;
        Fuzzing.readsOrRefuses(files, DataFormatException.class, () -> CifarReader.read(files, variant, classes), d -> assertValid(d, classes.size()));
        Fuzzing.requireBothOutcomes(5);
    }

    private static void assertValid(ByteImageDataset d, int classes) {
        assertTrue(d.size() > 0);
        for (int i = 0; i < d.size(); i++) assertTrue(d.label(i) >= 0 && d.label(i) < classes);
        assertEquals(3 * 32 * 32, d.sampleSize());
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
