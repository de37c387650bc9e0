package dev.jdnn.training.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jdnn.training.io.IoErrors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length N,
 * N bytes of UTF-8 JSON {@code {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}}}
 * padded with spaces to a multiple of 8, then the tensors' raw little-endian bytes, offsets relative to the end of
 * the header. Written as the reference implementation does (largest elements first, then by name; compact JSON,
 * metadata first) and always atomically; read through a memory map, validating every offset.
 */
public final class SafeTensorsFile implements AutoCloseable {
    public static final String METADATA_KEY = "__metadata__";
    /** The reference implementation's limit; anything larger is corruption, not a header. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** jdnn's tensors have int dimensions; a header with a larger one is refused when the file is opened. */
    public static final long MAX_DIMENSION = Integer.MAX_VALUE;
    /** Duplicate names are refused, as the reference implementation refuses them, rather than the last one winning. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One tensor's header entry; offsets are relative to the data section. */
    public record Entry(String name, SafeTensorsDType dtype, long[] shape, long begin, long end) {
        /** The element count; {@link #open} has checked that it and its byte size fit in a long. */
        public long numel() {
            return Arrays.stream(shape).reduce(1, Math::multiplyExact);
        }

        public int[] intShape() {
            return Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
        }
    }

    private final Path file;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path file, Arena arena, MemorySegment data, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    // ---- reading ----------------------------------------------------------------------------------------------

    public static SafeTensorsFile open(Path file) {
        if (!Files.isRegularFile(file)) throw new UncheckedIOException(file + ": no such file", new java.io.FileNotFoundException(file.toString()));
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new SafeTensorsFormatException(file, size, "file has " + size + " bytes, shorter than the 8-byte header length");
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long n = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (n < 2 || n > MAX_HEADER_BYTES) throw new SafeTensorsFormatException(file, 0, "implausible header length " + n);
            if (8 + n > size) throw new SafeTensorsFormatException(file, size, "header of " + n + " bytes runs past the end of the " + size + "-byte file (truncated?)");
            byte[] header = all.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment data = all.asSlice(8 + n);
            var parsed = parseHeader(file, header, data.byteSize(), 8 + n);
            return new SafeTensorsFile(file, arena, data, parsed.entries, parsed.metadata);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot read " + file + ": " + IoErrors.reason(e), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private record Header(Map<String, Entry> entries, Map<String, String> metadata) {}

    private static Header parseHeader(Path file, byte[] header, long dataBytes, long dataStart) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? 8 : 8 + Math.max(0, e.getLocation().getCharOffset());
            throw new SafeTensorsFormatException(file, at, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new SafeTensorsFormatException(file, 8, "header is not a JSON object");
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA_KEY)) {
                if (!e.getValue().isObject()) throw new SafeTensorsFormatException(file, 8, "__metadata__ must be an object of strings");
                e.getValue().properties().forEach(m -> {
                    if (!m.getValue().isTextual()) throw new SafeTensorsFormatException(file, 8, "__metadata__ value of '" + m.getKey() + "' is not a string");
                    metadata.put(m.getKey(), m.getValue().asText());
                });
            } else {
                entries.put(e.getKey(), parseEntry(file, e.getKey(), e.getValue()));
            }
        }
        validateOffsets(file, entries, dataBytes, dataStart);
        return new Header(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
    }

    private static Entry parseEntry(Path file, String name, JsonNode node) {
        JsonNode dtype = node.get("dtype"), shape = node.get("shape"), offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw new SafeTensorsFormatException(file, 8, "tensor '" + name + "' needs dtype (string), shape (array) and data_offsets ([begin, end]), got " + node);
        }
        SafeTensorsDType dt;
        try {
            dt = SafeTensorsDType.parse(dtype.asText());
        } catch (IllegalArgumentException ex) {
            throw new SafeTensorsFormatException(file, 8, "tensor '" + name + "': " + ex.getMessage());
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) throw new SafeTensorsFormatException(file, 8, "tensor '" + name + "' has a bad shape " + shape + " (dimensions must be non-negative integers)");
            if (d.asLong() > MAX_DIMENSION) throw new SafeTensorsFormatException(file, 8, "tensor '" + name + "' has dimension " + d.asLong() + " in shape " + shape + "; jdnn's tensors allow at most " + MAX_DIMENSION);
            dims[i] = d.asLong();
        }
        JsonNode begin = offsets.get(0), end = offsets.get(1);
        if (!begin.isIntegralNumber() || !begin.canConvertToLong() || !end.isIntegralNumber() || !end.canConvertToLong()
                || begin.asLong() < 0 || end.asLong() < begin.asLong()) {
            throw new SafeTensorsFormatException(file, 8, "tensor '" + name + "' has bad data_offsets " + offsets + " (need integers 0 <= begin <= end)");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Arrays.stream(dims).reduce(1, Math::multiplyExact), dt.byteSize());
        } catch (ArithmeticException overflow) {
            throw new SafeTensorsFormatException(file, 8, "tensor '" + name + "' of shape " + shape + " and dtype " + dt + " has more bytes than 64-bit offsets can address");
        }
        Entry entry = new Entry(name, dt, dims, begin.asLong(), end.asLong());
        if (entry.end - entry.begin != bytes) {
            throw new SafeTensorsFormatException(file, 8, "tensor '" + name + "' of shape " + shape + " and dtype " + dt + " needs " + bytes
                    + " bytes but data_offsets " + offsets + " span " + (entry.end - entry.begin));
        }
        return entry;
    }

    /** As the reference validates: tensors tile the data section exactly, no gaps, no overlaps, nothing missing. */
    private static void validateOffsets(Path file, Map<String, Entry> entries, long dataBytes, long dataStart) {
        List<Entry> byOffset = new ArrayList<>(entries.values());
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : byOffset) {
            if (e.begin != expected) throw new SafeTensorsFormatException(file, dataStart + e.begin, "tensor '" + e.name + "' starts at data offset " + e.begin + ", expected " + expected + " (gap or overlap)");
            expected = e.end;
        }
        if (expected != dataBytes) {
            throw new SafeTensorsFormatException(file, dataStart + Math.min(expected, dataBytes), "tensors cover " + expected + " data bytes but the file holds " + dataBytes + (expected > dataBytes ? " (truncated?)" : ""));
        }
    }

    public Path file() {
        return file;
    }

    /** Entries in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new IllegalArgumentException(file + " has no tensor '" + name + "'");
        return e;
    }

    /**
     * A floating-point tensor's values as float32: exact for F32, F16 and BF16; F64 is rounded to nearest. Integer
     * and boolean tensors are refused: they are never parameters, and reading them as floats would hide a wrong file.
     */
    public float[] readFloats(String name) {
        Entry e = entry(name);
        if (!e.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(file + ": tensor '" + name + "' holds " + e.dtype + " values; only floating-point tensors (F32, F16, BF16, F64) load as parameters");
        }
        if (e.numel() > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(file + ": tensor '" + name + "' has " + e.numel() + " elements, more than a Java array holds");
        MemorySegment seg = data.asSlice(e.begin, e.end - e.begin);
        float[] out = new float[Math.toIntExact(e.numel())];
        if (e.dtype == SafeTensorsDType.F32) {
            MemorySegment.copy(seg, F32_LE, 0, out, 0, out.length);
        } else {
            ByteBuffer b = seg.asByteBuffer();
            for (int i = 0; i < out.length; i++) out[i] = e.dtype.readAsFloat(b, i);
        }
        return out;
    }

    @Override
    public void close() {
        arena.close();
    }

    // ---- writing ----------------------------------------------------------------------------------------------

    /** Writes {@code tensors} and {@code metadata} to {@code target} atomically (the old file survives any failure). */
    public static void write(Path target, List<TensorData> tensors, Map<String, String> metadata) {
        List<TensorData> ordered = new ArrayList<>(tensors);
        // The reference's order: larger element types first (keeps every tensor aligned), then by name.
        ordered.sort(Comparator.comparingInt((TensorData t) -> -t.dtype().byteSize()).thenComparing(TensorData::name));
        for (int i = 1; i < ordered.size(); i++) {
            if (ordered.get(i).name().equals(ordered.get(i - 1).name())) throw new IllegalArgumentException("duplicate tensor name '" + ordered.get(i).name() + "'");
        }
        byte[] header = headerBytes(ordered, metadata);
        AtomicFiles.write(target, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            TensorData.writeFully(out, len);
            TensorData.writeFully(out, ByteBuffer.wrap(header));
            long expected = 8 + header.length;
            for (TensorData t : ordered) {
                t.payload().writeTo(out);
                expected += t.byteSize();
                if (out.position() != expected) {
                    throw new IOException("tensor '" + t.name() + "' wrote " + (out.position() - expected + t.byteSize()) + " bytes, its shape and dtype need " + t.byteSize());
                }
            }
        });
    }

    /** The JSON header, space-padded to a multiple of 8 bytes as the reference implementation pads it. */
    static byte[] headerBytes(List<TensorData> ordered, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (TensorData t : ordered) {
            ObjectNode n = root.putObject(t.name());
            n.put("dtype", t.dtype().name());
            ArrayNode shape = n.putArray("shape");
            for (long d : t.shape()) shape.add(d);
            ArrayNode offs = n.putArray("data_offsets");
            offs.add(offset);
            offs.add(offset + t.byteSize());
            offset += t.byteSize();
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the safetensors header", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }
}
