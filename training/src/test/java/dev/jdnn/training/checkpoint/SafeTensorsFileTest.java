package dev.jdnn.training.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafeTensorsFileTest {
    @TempDir
    Path dir;

    /** A file laid out by hand from the format description: u64 LE header length, JSON, raw LE data. */
    private static byte[] handBuilt(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).put(data).array();
    }

    @Test
    void readsAHandBuiltFileWithSeveralDtypes() throws Exception {
        String json = "{\"b\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[8,12]},\"__metadata__\":{\"k\":\"v\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"c\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[12,14]}}  ";
        ByteBuffer data = ByteBuffer.allocate(14).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(1.5f).putFloat(-2f).putShort((short) 0x3C00).putShort((short) 0xB800).putShort((short) 0x4049); // F16 1, -0.5; BF16 3.140625
        Path f = Files.write(dir.resolve("hand.safetensors"), handBuilt(json, data.array()));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertEquals(List.of("b", "a", "c"), List.copyOf(st.entries().keySet()));
            assertEquals(Map.of("k", "v"), st.metadata());
            assertArrayEquals(new float[]{1.5f, -2f}, st.readFloats("a"));
            assertArrayEquals(new float[]{1f, -0.5f}, st.readFloats("b"));
            assertArrayEquals(new long[]{1, 2}, st.entry("b").shape());
            assertArrayEquals(new float[]{3.140625f}, st.readFloats("c"));
        }
    }

    @Test
    void writesTheReferenceLayoutByteForByte() throws Exception {
        Path f = dir.resolve("w.safetensors");
        SafeTensorsFile.write(f, List.of(TensorData.f32("b", new long[]{2}, new float[]{3f, 4f}), TensorData.f32("a", new long[]{1, 1}, new float[]{-1f})),
                Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertEquals(0, n % 8, "header padded to 8 bytes");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String expected = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertEquals(expected, header.stripTrailing());
        assertTrue(header.substring(expected.length()).chars().allMatch(c -> c == ' '), "padding is spaces");
        assertEquals(8 + n + 12, bytes.length);
        assertEquals(-1f, b.getFloat((int) (8 + n)));
        assertEquals(3f, b.getFloat((int) (8 + n + 4)));
        assertEquals(4f, b.getFloat((int) (8 + n + 8)));
    }

    @Test
    void roundTripKeepsValuesShapesAndMetadata() {
        Path f = dir.resolve("r.safetensors");
        float[] big = new float[1000];
        for (int i = 0; i < big.length; i++) big[i] = (float) Math.sin(i) * 1e3f;
        SafeTensorsFile.write(f, List.of(TensorData.f32("layer1.0.conv1.weight", new long[]{10, 4, 5, 5}, big),
                TensorData.f32("fc.bias", new long[]{3}, new float[]{Float.MIN_VALUE, Float.MAX_VALUE, -0f})), Map.of("epoch", "3", "x", "y z"));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            assertArrayEquals(big, st.readFloats("layer1.0.conv1.weight"));
            assertArrayEquals(new float[]{Float.MIN_VALUE, Float.MAX_VALUE, -0f}, st.readFloats("fc.bias"));
            assertArrayEquals(new int[]{10, 4, 5, 5}, st.entry("layer1.0.conv1.weight").intShape());
            assertEquals(Map.of("epoch", "3", "x", "y z"), st.metadata());
        }
    }

    @Test
    void rejectsMalformedFilesWithFileAndOffset() throws Exception {
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        Path truncated = Files.write(dir.resolve("t.safetensors"), Arrays.copyOf(handBuilt(ok, new byte[8]), 8 + ok.length() + 5));
        var e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensorsFile.open(truncated));
        assertTrue(e.getMessage().contains("t.safetensors") && e.getMessage().contains("truncated"), e.getMessage());

        Path shortHeader = Files.write(dir.resolve("h.safetensors"), Arrays.copyOf(handBuilt(ok, new byte[8]), 20));
        assertTrue(assertThrows(SafeTensorsFormatException.class, () -> SafeTensorsFile.open(shortHeader)).getMessage().contains("runs past the end"));

        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        Path gapFile = Files.write(dir.resolve("g.safetensors"), handBuilt(gap, new byte[8]));
        assertTrue(assertThrows(SafeTensorsFormatException.class, () -> SafeTensorsFile.open(gapFile)).getMessage().contains("gap or overlap"));

        String wrongSize = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        Path ws = Files.write(dir.resolve("s.safetensors"), handBuilt(wrongSize, new byte[8]));
        assertTrue(assertThrows(SafeTensorsFormatException.class, () -> SafeTensorsFile.open(ws)).getMessage().contains("needs 12 bytes"));

        Path notJson = Files.write(dir.resolve("j.safetensors"), handBuilt("{\"a\": [1, ", new byte[0]));
        assertTrue(assertThrows(SafeTensorsFormatException.class, () -> SafeTensorsFile.open(notJson)).getMessage().contains("not valid JSON"));

        Path huge = Files.write(dir.resolve("x.safetensors"), ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
        assertTrue(assertThrows(SafeTensorsFormatException.class, () -> SafeTensorsFile.open(huge)).getMessage().contains("implausible header length"));
    }

    private String openError(String name, String json, int dataBytes) throws Exception {
        Path f = Files.write(dir.resolve(name), handBuilt(json, new byte[dataBytes]));
        String message = assertThrows(SafeTensorsFormatException.class, () -> SafeTensorsFile.open(f)).getMessage();
        assertTrue(message.startsWith(f + ": not a valid safetensors file: "), message);
        return message;
    }

    @Test
    void shapesWhoseSizeOverflowsAreRefusedWhenOpened() throws Exception {
        // Both wrap to 0 bytes in 64-bit arithmetic, so "data_offsets": [0, 0] looked consistent before.
        assertTrue(openError("a.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}}", 0)
                .contains("dimension 4611686018427387904 in shape [4611686018427387904]; jdnn's tensors allow at most 2147483647"));
        assertTrue(openError("b.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,0]}}", 0)
                .contains("more bytes than 64-bit offsets can address"));
        assertTrue(openError("c.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", 0)
                .contains("jdnn's tensors allow at most"));
    }

    @Test
    void nonIntegerShapesAndOffsetsAreRefused() throws Exception {
        assertTrue(openError("s.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", 8).contains("bad shape [2.5]"));
        assertTrue(openError("n.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8).contains("bad shape [-1]"));
        // A string offset used to read as 0.
        assertTrue(openError("o.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[\"0\",8]}}", 8).contains("bad data_offsets"));
        assertTrue(openError("r.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8).contains("bad data_offsets"));
        assertTrue(openError("t.safetensors", "{\"w\":{\"dtype\":\"I128\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8).contains("unknown safetensors dtype 'I128'"));
        assertTrue(openError("d.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)
                .contains("Duplicate field 'w'"));
        assertTrue(openError("m.safetensors", "{\"__metadata__\":{\"k\":1}}", 0).contains("__metadata__ value of 'k' is not a string"));
        assertTrue(openError("e.safetensors", "{\"w\":5}", 0).contains("needs dtype (string), shape (array) and data_offsets"));
    }

    @Test
    void integerTensorsAreNotReadAsFloats() throws Exception {
        Path f = Files.write(dir.resolve("i.safetensors"), handBuilt("{\"w\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            var e = assertThrows(IllegalArgumentException.class, () -> st.readFloats("w"));
            assertTrue(e.getMessage().contains("tensor 'w' holds I32 values; only floating-point tensors"), e.getMessage());
        }
    }

    @Test
    void aMissingFileIsNamedWithoutJavaClassNames() {
        Path missing = dir.resolve("nope.safetensors");
        var e = assertThrows(java.io.UncheckedIOException.class, () -> SafeTensorsFile.open(missing));
        assertEquals(missing + ": no such file", e.getMessage());
    }
}
