package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.cuda.ConvAlgorithmStore.ConvKey;
import dev.jdnn.ops.cuda.ChoiceStore.DeviceKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The algorithm store and its file, without a GPU: keys, round trip, atomic and merged saves, bad files, bad dirs. */
class ConvAlgorithmStoreTest {
    private static final DeviceKey H100 = new DeviceKey("NVIDIA H100 80GB HBM3", 9, 0, 132, 91002);
    private static final Conv2dSpec SPEC = new Conv2dSpec(8, 16, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, false);
    private static final ConvKey KEY = new ConvKey(ConvDirection.FORWARD, false, false, WorkspaceLimit.fixed(256L << 20).key(), SPEC);

    private final List<String> warnings = new ArrayList<>();

    private ConvAlgorithmStore store(Path dir) {
        return new ConvAlgorithmStore(dir, H100, warnings::add);
    }

    private static ConvKey key(int batch) {
        return new ConvKey(ConvDirection.FORWARD, false, false, "fixed:1048576", new Conv2dSpec(batch, 16, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, false));
    }

    /** The base key and one variant per field (each field changed alone). */
    private static List<ConvKey> keyVariants() {
        Conv2dSpec s = SPEC;
        List<Conv2dSpec> specs = List.of(s,
                new Conv2dSpec(9, 16, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, false),   // batch
                new Conv2dSpec(8, 24, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, false),   // in channels
                new Conv2dSpec(8, 16, 13, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, false),   // height
                new Conv2dSpec(8, 16, 12, 13, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, false),   // width
                new Conv2dSpec(8, 16, 12, 12, 48, 3, 3, 1, 1, 1, 1, 1, 1, 1, false),   // out channels
                new Conv2dSpec(8, 16, 12, 12, 32, 5, 3, 1, 1, 1, 1, 1, 1, 1, false),   // kernel h
                new Conv2dSpec(8, 16, 12, 12, 32, 3, 5, 1, 1, 1, 1, 1, 1, 1, false),   // kernel w
                new Conv2dSpec(8, 16, 12, 12, 32, 3, 3, 2, 1, 1, 1, 1, 1, 1, false),   // stride h
                new Conv2dSpec(8, 16, 12, 12, 32, 3, 3, 1, 2, 1, 1, 1, 1, 1, false),   // stride w
                new Conv2dSpec(8, 16, 12, 12, 32, 3, 3, 1, 1, 0, 1, 1, 1, 1, false),   // pad h
                new Conv2dSpec(8, 16, 12, 12, 32, 3, 3, 1, 1, 1, 0, 1, 1, 1, false),   // pad w
                new Conv2dSpec(8, 16, 12, 12, 32, 3, 3, 1, 1, 1, 1, 2, 1, 1, false),   // dilation h
                new Conv2dSpec(8, 16, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 2, 1, false),   // dilation w
                new Conv2dSpec(8, 16, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 2, false));  // groups
        List<ConvKey> keys = new ArrayList<>();
        for (Conv2dSpec v : specs) keys.add(new ConvKey(KEY.direction(), KEY.strictFp32(), KEY.deterministic(), KEY.workspaceLimit(), v));
        keys.add(new ConvKey(ConvDirection.BACKWARD_DATA, false, false, KEY.workspaceLimit(), s));
        keys.add(new ConvKey(ConvDirection.BACKWARD_FILTER, false, false, KEY.workspaceLimit(), s));
        keys.add(new ConvKey(ConvDirection.FORWARD, true, false, KEY.workspaceLimit(), s));
        keys.add(new ConvKey(ConvDirection.FORWARD, false, true, KEY.workspaceLimit(), s));  // deterministic mode
        keys.add(new ConvKey(ConvDirection.FORWARD, false, false, WorkspaceLimit.fixed((256L << 20) + 1).key(), s));
        keys.add(new ConvKey(ConvDirection.FORWARD, false, false, WorkspaceLimit.defaults().key(), s));
        keys.add(new ConvKey(ConvDirection.FORWARD, false, false, KEY.workspaceLimit(), s.with(OperandType.of(MemoryFormat.NHWC, DType.FLOAT32))));
        keys.add(new ConvKey(ConvDirection.FORWARD, false, false, KEY.workspaceLimit(), s.with(OperandType.of(MemoryFormat.NCHW, DType.BFLOAT16))));
        keys.add(new ConvKey(ConvDirection.FORWARD, false, false, KEY.workspaceLimit(), s.with(OperandType.of(MemoryFormat.NHWC, DType.FLOAT16))));
        return keys;
    }

    @Test
    void everyFieldOfTheKeyChangesItsTextAndTheTextParsesBack() {
        List<ConvKey> keys = keyVariants();
        assertEquals(24, keys.size());
        Set<String> texts = new HashSet<>();
        for (ConvKey k : keys) {
            assertTrue(texts.add(k.format()), "two keys format alike: " + k.format());
            ConvAlgorithm a = new ConvAlgorithm(6, 3, 123_456_789_012L);
            Map.Entry<ConvKey, ConvAlgorithm> back = ConvAlgorithmStore.parseEntry(ConvAlgorithmStore.formatEntry(k, a));
            assertEquals(k, back.getKey());
            assertEquals(a, back.getValue());
        }
        assertEquals(keys.size(), new HashSet<>(keys).size(), "keys that format differently must not be equal");
    }

    @Test
    void theBiasFlagIsNotPartOfTheKey() {
        Conv2dSpec withBias = new Conv2dSpec(8, 16, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);
        ConvKey k = new ConvKey(KEY.direction(), KEY.strictFp32(), KEY.deterministic(), KEY.workspaceLimit(), withBias);
        assertEquals(KEY, k);
        assertEquals(KEY.format(), k.format());
    }

    @Test
    void everyFieldOfTheDeviceChangesItsFileNameAndDescription() {
        List<DeviceKey> devices = List.of(H100,
                new DeviceKey("NVIDIA H100 PCIe", 9, 0, 132, 91002),
                new DeviceKey(H100.name(), 8, 0, 132, 91002),
                new DeviceKey(H100.name(), 9, 1, 132, 91002),
                new DeviceKey(H100.name(), 9, 0, 114, 91002),
                new DeviceKey(H100.name(), 9, 0, 132, 91100));
        Set<String> names = new HashSet<>(), descriptions = new HashSet<>();
        for (DeviceKey d : devices) {
            assertTrue(names.add(d.fileName()), d.fileName());
            assertTrue(descriptions.add(d.describe()), d.describe());
            assertTrue(d.fileName().matches("[A-Za-z0-9._-]+\\.txt"), "not a plain file name: " + d.fileName());
        }
        assertEquals("NVIDIA_H100_80GB_HBM3-cc9.0-132sm-cudnn91002.txt", H100.fileName());
        assertEquals("a_b_c-cc9.0-1sm-cudnn1.txt", new DeviceKey("a/b\\c", 9, 0, 1, 1).fileName());
        assertThrows(IllegalArgumentException.class, () -> new DeviceKey("two\nlines", 9, 0, 1, 1));
    }

    @Test
    void savedChoicesLoadBackInANewStore(@TempDir Path dir) throws IOException {
        ConvAlgorithmStore first = store(dir);
        List<ConvKey> keys = keyVariants();
        for (int i = 0; i < keys.size(); i++) first.record(keys.get(i), new ConvAlgorithm(i % 8, i % 4, 1000L * i));
        first.save();
        Path file = dir.resolve(H100.fileName());
        assertEquals(file, first.file());
        List<String> lines = Files.readAllLines(file);
        assertEquals(ConvAlgorithmStore.FORMAT_LINE, lines.get(0));
        assertEquals("# device: " + H100.describe(), lines.get(1));
        assertEquals(keys.size() + 2, lines.size());

        ConvAlgorithmStore second = store(dir);
        assertEquals(keys.size(), second.size());
        for (int i = 0; i < keys.size(); i++) assertEquals(new ConvAlgorithm(i % 8, i % 4, 1000L * i), second.get(keys.get(i)), keys.get(i).format());
        assertEquals(List.of(), warnings);
    }

    @Test
    void savesGoThroughATemporaryFileThatDoesNotStay(@TempDir Path dir) throws IOException {
        ConvAlgorithmStore s = store(dir);
        for (int i = 1; i <= 3; i++) {
            s.record(key(i), new ConvAlgorithm(i, 0, 0));
            s.save();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve(H100.fileName())), files.toList());
        }
        assertEquals(3, store(dir).size());
    }

    @Test
    void nothingIsWrittenWithoutNewChoicesOrWithoutADirectory(@TempDir Path dir) throws IOException {
        store(dir).save();
        ConvAlgorithmStore memoryOnly = store(null);
        memoryOnly.record(KEY, new ConvAlgorithm(1, 0, 0));
        memoryOnly.save();
        assertEquals(new ConvAlgorithm(1, 0, 0), memoryOnly.get(KEY));
        assertNull(memoryOnly.file());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void lookupCountsHitsAndMissesAndReturnsTheRevalidatedChoice() {
        ConvAlgorithmStore s = store(null);
        ConvAlgorithm stored = new ConvAlgorithm(2, 1, 4096);
        s.record(KEY, stored);
        ConvAlgorithm now = new ConvAlgorithm(2, 1, 8192);
        assertEquals(now, s.lookup(KEY, a -> {
            assertEquals(stored, a);
            return now;
        }));
        assertEquals(1, s.hits());
        assertNull(s.lookup(KEY, a -> null), "a rejected choice is a miss");
        assertNull(s.lookup(key(1), a -> fail("nothing stored, nothing to revalidate")));
        assertEquals(1, s.hits());
        assertEquals(2, s.misses());
    }

    private static final String VALID_ENTRY = ConvAlgorithmStore.formatEntry(KEY, new ConvAlgorithm(1, 0, 64));

    @ParameterizedTest
    @ValueSource(strings = {
            "garbage",
            "forward tf32 any limit=fixed:268435456 operands=float32-nchw input=8x16x12x12 out=32 kernel=3x3 stride=1x1 pad=1x1 dilation=1x1 groups=1 -> algo=1 math=0",
            "forward tf32 any limit=fixed:268435456 operands=float32-nchw input=8x16x12x12 out=32 kernel=3x3 stride=1x1 pad=1x1 dilation=1x1 groups=1 -> algo=99999999999 math=0 workspace=0",
            "sideways tf32 any limit=fixed:268435456 operands=float32-nchw input=8x16x12x12 out=32 kernel=3x3 stride=1x1 pad=1x1 dilation=1x1 groups=1 -> algo=1 math=0 workspace=0",
            "forward tf32 any limit=fixed:268435456 operands=float32-nchw input=8x16x2x2 out=32 kernel=3x3 stride=1x1 pad=0x0 dilation=1x1 groups=1 -> algo=1 math=0 workspace=0",
            "forward tf32 any limit=fixed:268435456 operands=float32-nchw input=8x16x12x12 out=32 kernel=3x3 stride=1x1 pad=1x1 dilation=1x1 groups=3 -> algo=1 math=0 workspace=0"})
    void aCorruptFileIsIgnoredWithOneWarningAndRewritten(String badLine, @TempDir Path dir) throws IOException {
        Path file = dir.resolve(H100.fileName());
        Files.write(file, List.of(ConvAlgorithmStore.FORMAT_LINE, "# device: " + H100.describe(), VALID_ENTRY, badLine));
        ConvAlgorithmStore s = store(dir);
        assertEquals(0, s.size(), "a corrupt file contributes nothing");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("corrupt at line 4") && warnings.getFirst().contains(file.toString()), warnings.getFirst());

        s.record(key(3), new ConvAlgorithm(5, 0, 0));
        s.save();
        assertEquals(1, warnings.size(), "one warning per store, not one per read: " + warnings);
        assertFalse(Files.readString(file).contains(badLine), "the corrupt line must be gone");
        warnings.clear();
        ConvAlgorithmStore reread = store(dir);
        assertEquals(List.of(), warnings);
        assertEquals(1, reread.size());
        assertEquals(new ConvAlgorithm(5, 0, 0), reread.get(key(3)));
    }

    @Test
    void bytesThatAreNotUtf8AreACorruptFileToo(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve(H100.fileName()), new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3});
        ConvAlgorithmStore s = store(dir);
        assertEquals(0, s.size());
        assertEquals(1, warnings.size(), warnings.toString());
        s.record(KEY, new ConvAlgorithm(1, 0, 0));
        s.save();
        assertEquals(1, store(dir).size());
    }

    @Test
    void anotherFormatVersionIsIgnored(@TempDir Path dir) throws IOException {
        // format 2 (before the operand type and the workspace policy were part of the key) and a future format 4
        Files.write(dir.resolve(H100.fileName()), List.of("# jdnn convolution algorithms, format 2", "# device: " + H100.describe(),
                "forward tf32 any limit=268435456 input=8x16x12x12 out=32 kernel=3x3 stride=1x1 pad=1x1 dilation=1x1 groups=1 -> algo=1 math=0 workspace=64"));
        assertEquals(0, store(dir).size());
        Files.write(dir.resolve(H100.fileName()), List.of("# jdnn convolution algorithms, format 4", "# device: " + H100.describe(), VALID_ENTRY));
        assertEquals(0, store(dir).size());
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("format"), warnings.getFirst());
    }

    @Test
    void aFileForAnotherDeviceIsIgnored(@TempDir Path dir) throws IOException {
        DeviceKey other = new DeviceKey(H100.name(), 9, 0, 132, 90100);
        Files.write(dir.resolve(H100.fileName()), List.of(ConvAlgorithmStore.FORMAT_LINE, "# device: " + other.describe(), VALID_ENTRY));
        assertEquals(0, store(dir).size());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("another device"), warnings.getFirst());
    }

    @Test
    void anEmptyFileIsIgnored(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(H100.fileName()), "", StandardCharsets.UTF_8);
        assertEquals(0, store(dir).size());
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    void twoStoresSavingToOneDirectoryKeepEachOthersChoices(@TempDir Path dir) {
        ConvAlgorithmStore a = store(dir), b = store(dir);
        a.record(key(1), new ConvAlgorithm(1, 0, 0));
        a.save();
        b.record(key(2), new ConvAlgorithm(2, 0, 0));
        b.save();
        assertEquals(new ConvAlgorithm(1, 0, 0), b.get(key(1)), "the merge also brings the other's choices into memory");
        a.record(key(3), new ConvAlgorithm(3, 0, 0));
        b.record(key(3), new ConvAlgorithm(4, 0, 0));
        a.save();
        b.save(); // b's own new choice wins over what a wrote meanwhile

        ConvAlgorithmStore c = store(dir);
        assertEquals(3, c.size());
        assertEquals(new ConvAlgorithm(1, 0, 0), c.get(key(1)));
        assertEquals(new ConvAlgorithm(2, 0, 0), c.get(key(2)));
        assertEquals(new ConvAlgorithm(4, 0, 0), c.get(key(3)));
        assertEquals(List.of(), warnings);
    }

    @Test
    void anUnwritableDirectoryWarnsOnceAndKeepsTheChoicesInMemory(@TempDir Path dir) throws IOException {
        // A regular file where the directory should be: fails for root too, unlike permission bits.
        Path notADirectory = Files.writeString(dir.resolve("occupied"), "x");
        ConvAlgorithmStore s = store(notADirectory.resolve("conv-algorithms"));
        warnings.clear(); // reading through a file may already warn; the saves below are the point
        s.record(key(1), new ConvAlgorithm(1, 0, 0));
        assertDoesNotThrow(s::save);
        s.record(key(2), new ConvAlgorithm(2, 0, 0));
        assertDoesNotThrow(s::save);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("not written"), warnings.getFirst());
        assertEquals(new ConvAlgorithm(1, 0, 0), s.get(key(1)));
        assertEquals(new ConvAlgorithm(2, 0, 0), s.get(key(2)));
        assertEquals("x", Files.readString(notADirectory));
    }

    @Test
    void theDefaultDirectoryIsBesideTheKernelCache() {
        assertEquals(KernelCache.defaultDiskCache().getParent().resolve("conv-algorithms"), ConvAlgorithmStore.defaultDir());
        assertEquals(ConvAlgorithmStore.defaultDir(), CudaBackend.Options.defaults().convAlgorithmCacheDir());
        assertEquals(ConvAlgorithmStore.defaultDir(), CudaBackend.Options.defaults().withStrictFp32(true).convAlgorithmCacheDir());
        assertNull(CudaBackend.Options.defaults().withConvAlgorithmCacheDir(null).convAlgorithmCacheDir());
    }
}
