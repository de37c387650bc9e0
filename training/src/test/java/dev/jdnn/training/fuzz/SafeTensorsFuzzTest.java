package dev.jdnn.training.fuzz;

import dev.jdnn.training.checkpoint.SafeTensorsDType;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.SafeTensorsFormatException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fuzzes the safetensors reader with files built from the format: header JSON whose tensors have real and unknown
 * dtypes, shapes with dimensions from 0 to 2^62 (and negative, fractional, textual), offsets that tile the data
 * exactly or not (gaps, overlaps, huge, negative, textual), metadata of strings or not, a header length field that
 * is right or any long, a data section of the right length or not, and single-byte corruptions. Opened files are
 * also read tensor by tensor. See {@link Fuzzing} for the property and how to run longer.
 */
class SafeTensorsFuzzTest {
    /** A JSON value as text, so that the header can hold what no JSON library would write for us. */
    private static final Arbitrary<String> DIMENSION = Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.integers().between(0, 5).map(String::valueOf)),
            Tuple.of(2, Arbitraries.of("2147483647", "2147483648", "4294967296", "4611686018427387904", "9223372036854775807", "-1",
                    "2.5", "\"3\"", "null", "1e3", "99999999999999999999")));
    private static final Arbitrary<String> DTYPE = Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.of(SafeTensorsDType.class).map(d -> "\"" + d.name() + "\"")),
            Tuple.of(1, Arbitraries.of("\"F8_E4M3\"", "\"f32\"", "\"\"", "32", "null", "[\"F32\"]")));
    private static final Arbitrary<String> OFFSET = Arbitraries.of("-1", "-8", "0", "4", "7", "9223372036854775807", "9223372036854775800", "\"0\"", "1.5", "null");

    /** One tensor entry: dtype, shape, and how its offsets are made (tiled from the previous one, or one bad value). */
    record TensorSpec(String name, String dtype, List<String> shape, int offsetMode, String badOffset) {}

    /** A whole file's recipe. */
    record FileSpec(List<TensorSpec> tensors, String metadata, int headerLengthMode, long anyLength, int dataSlack, int corruptAt) {}

    @Provide
    Arbitrary<FileSpec> files() {
        Arbitrary<TensorSpec> tensor = Combinators.combine(Arbitraries.of("w", "b", "layer.0.weight", "__metadata__", "w"), DTYPE,
                DIMENSION.list().ofMaxSize(4), Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(0)), Tuple.of(1, Arbitraries.of(1, 2, 3))), OFFSET)
                .as(TensorSpec::new);
        Arbitrary<String> metadata = Arbitraries.of("", "\"__metadata__\":{\"format\":\"pt\",\"jdnn.model\":\"lenet5\"},", "\"__metadata__\":{\"k\":1},",
                "\"__metadata__\":[],", "\"__metadata__\":{},", "");
        return Combinators.combine(tensor.list().ofMaxSize(4), metadata, Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(0)), Tuple.of(1, Arbitraries.of(1, 2))),
                Arbitraries.longs(), Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(-9, 9))),
                Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(-1)), Tuple.of(1, Arbitraries.integers().between(0, 400)))).as(FileSpec::new);
    }

    /** Bytes of one tensor if its shape and dtype are plain and small, else -1 (then its offsets are made up). */
    private static long plainBytes(TensorSpec t) {
        long n = 1;
        for (String d : t.shape()) {
            if (!d.matches("[0-9]+") || d.length() > 2) return -1;
            n *= Long.parseLong(d);
        }
        return switch (t.dtype()) {
            case "\"F64\"", "\"I64\"" -> 8 * n;
            case "\"F32\"", "\"I32\"" -> 4 * n;
            case "\"F16\"", "\"BF16\"", "\"I16\"" -> 2 * n;
            case "\"I8\"", "\"U8\"", "\"BOOL\"" -> n;
            default -> -1;
        };
    }

    static byte[] build(FileSpec f) {
        StringBuilder json = new StringBuilder("{").append(f.metadata());
        long offset = 0;
        List<String> parts = new ArrayList<>();
        for (TensorSpec t : f.tensors()) {
            long bytes = Math.max(0, plainBytes(t));
            String begin = Long.toString(offset), end = Long.toString(offset + bytes);
            switch (t.offsetMode()) {
                case 1 -> begin = t.badOffset();
                case 2 -> end = t.badOffset();
                case 3 -> end = Long.toString(offset + bytes + 4); // a gap after it
                default -> { }
            }
            parts.add("\"" + t.name() + "\":{\"dtype\":" + t.dtype() + ",\"shape\":[" + String.join(",", t.shape()) + "],\"data_offsets\":[" + begin + "," + end + "]}");
            offset += bytes;
        }
        json.append(String.join(",", parts));
        if (json.charAt(json.length() - 1) == ',') json.setLength(json.length() - 1);
        json.append("}");
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        long headerLength = switch (f.headerLengthMode()) {
            case 1 -> f.anyLength();
            case 2 -> header.length + (f.anyLength() % 9);
            default -> header.length;
        };
        int data = (int) Math.max(0, Math.min(1 << 16, offset) + f.dataSlack());
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).put(header);
        for (int i = 0; i < data; i++) b.put((byte) (i * 13));
        byte[] bytes = b.array();
        if (f.corruptAt() >= 0 && bytes.length > 0) bytes[f.corruptAt() % bytes.length] ^= 0x5A;
        return bytes;
    }

    /** Opens, then reads every tensor: floating-point ones as floats; integer ones must be refused by name. */
    private static String openAndRead(Path p) {
        return Fuzzing.readsOrRefuses(p, SafeTensorsFormatException.class, () -> {
            try (SafeTensorsFile st = SafeTensorsFile.open(p)) {
                long covered = 0;
                for (SafeTensorsFile.Entry e : st.entries().values()) {
                    assertTrue(e.begin() >= 0 && e.end() >= e.begin(), e.toString());
                    covered += e.end() - e.begin();
                    if (e.dtype().isFloatingPoint()) {
                        assertEquals(e.numel(), st.readFloats(e.name()).length);
                    } else {
                        var refused = assertThrows(IllegalArgumentException.class, () -> st.readFloats(e.name()));
                        assertTrue(refused.getMessage().contains(p.toString()), refused.getMessage());
                    }
                    for (long d : e.shape()) assertTrue(d >= 0 && d <= Integer.MAX_VALUE);
                }
                Map<String, String> meta = st.metadata();
                assertNotNull(meta);
                return covered;
            }
        }, covered -> assertTrue(covered >= 0));
    }

    @Property(seed = "170421")
    void safetensorsFilesAreReadOrRefusedByName(@ForAll("files") FileSpec spec) {
        openAndRead(Fuzzing.write(".safetensors", build(spec)));
        Fuzzing.requireBothOutcomes(5);
    }

    @Property(seed = "170422")
    void arbitraryBytesAreReadOrRefusedByName(@ForAll byte[] bytes) {
        openAndRead(Fuzzing.write(".safetensors", bytes));
    }

    @Property(seed = "170423")
    void aValidFileCutAnywhereIsRefusedByName(@ForAll("files") FileSpec spec, @ForAll byte cutFraction) {
        byte[] full = build(spec);
        int cut = Math.floorMod(cutFraction, 128) * full.length / 128;
        openAndRead(Fuzzing.write(".safetensors", Arrays.copyOf(full, cut)));
    }
}
