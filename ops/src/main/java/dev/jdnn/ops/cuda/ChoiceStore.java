package dev.jdnn.ops.cuda;

import dev.jdnn.memory.cuda.CudaDevice;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Choices measured once per shape on one GPU model and cuDNN build — convolution algorithms ({@link ConvAlgorithmStore}),
 * engine configurations of fused graphs — shared by the plans of one backend and, given a
 * directory, kept across runs in {@code <dir>/<prefix><device>.txt}, one file per GPU model and cuDNN build (a choice
 * depends on both). The file is plain text: a format line, a device line, then one line per choice, written and parsed
 * by the subclass's {@link Codec}. It is loaded once when the backend is created and rewritten after a plan adds choices:
 * re-read and merged first, so processes sharing the directory keep each other's entries (a save racing another one may
 * still drop that one's newest entries; they are measured again next time), written to a temporary file and moved into
 * place atomically. A file that does not parse, or comes from another format or device, is ignored with one warning and
 * rewritten; an unwritable directory is reported once and the choices stay in memory. Needs no GPU: the device identity
 * is the caller's {@link DeviceKey}.
 */
abstract class ChoiceStore<K, V> {
    private static final String DEVICE_PREFIX = "# device: ";

    /** The GPU model and cuDNN build a choice was measured on; the caller asks the device. */
    record DeviceKey(String name, int computeMajor, int computeMinor, int multiprocessors, long cudnnVersion) {
        DeviceKey {
            Objects.requireNonNull(name, "device name");
            if (name.isBlank() || name.lines().count() != 1) throw new IllegalArgumentException("device name must be one non-blank line: '" + name + "'");
        }

        static DeviceKey of(CudaDevice device, long cudnnVersion) {
            return new DeviceKey(device.name(), device.computeMajor(), device.computeMinor(), device.multiprocessors(), cudnnVersion);
        }

        /** The exact identity, written in the file's header and checked on load. */
        String describe() {
            return name.strip() + ", compute capability " + computeMajor + "." + computeMinor + ", " + multiprocessors + " SMs, cuDNN " + cudnnVersion;
        }

        /** e.g. {@code NVIDIA_H100_80GB_HBM3-cc9.0-132sm-cudnn91002.txt}. */
        String fileName() {
            return name.strip().replaceAll("[^A-Za-z0-9._-]", "_") + "-cc" + computeMajor + "." + computeMinor + "-" + multiprocessors + "sm-cudnn" + cudnnVersion + ".txt";
        }
    }

    /**
     * One line of the file per entry: {@code format} writes the key and its choice; {@code parse} reads such a line back
     * and throws IllegalArgumentException, naming the problem, for anything {@code format} would not write.
     */
    record Codec<K, V>(BiFunction<K, V, String> format, Function<String, Map.Entry<K, V>> parse) {
    }

    private final Path file; // null: memory only
    private final DeviceKey device;
    private final String formatLine, label;
    private final Codec<K, V> codec;
    private final Consumer<String> warn;
    private final Map<K, V> entries = new HashMap<>();
    /** Recorded since the last successful save: these win over what another process wrote meanwhile. */
    private final Map<K, V> added = new HashMap<>();
    private boolean warnedAboutFile, warnedUnwritable;
    private int hits, misses;

    /**
     * A store in {@code dir} (null: memory only), file {@code filePrefix + device.fileName()}, loaded now.
     * {@code label} names the store in warnings ("convolution algorithm cache").
     */
    ChoiceStore(Path dir, String filePrefix, DeviceKey device, String formatLine, String label, Codec<K, V> codec, Consumer<String> warn) {
        this.device = Objects.requireNonNull(device, "device");
        this.file = dir == null ? null : dir.resolve(filePrefix + device.fileName());
        this.formatLine = Objects.requireNonNull(formatLine, "format line");
        this.label = Objects.requireNonNull(label, "label");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.warn = Objects.requireNonNull(warn, "warn");
        entries.putAll(readFile());
    }

    /** Warnings of a store go to the System.Logger of its class. */
    static Consumer<String> loggerFor(Class<?> store) {
        System.Logger log = System.getLogger(store.getName());
        return message -> log.log(System.Logger.Level.WARNING, message);
    }

    /** The file this store reads and writes, or null for memory only. */
    Path file() {
        return file;
    }

    /**
     * The stored choice for {@code key} as {@code revalidate} returns it (the choice as usable now, or null to
     * reject it); counts a hit when one comes back, a miss otherwise.
     */
    synchronized V lookup(K key, UnaryOperator<V> revalidate) {
        V stored = entries.get(key);
        V usable = stored == null ? null : revalidate.apply(stored);
        if (usable == null) misses++; else hits++;
        return usable;
    }

    /** Without revalidation or counting, for tests and inspection. */
    synchronized V get(K key) {
        return entries.get(key);
    }

    synchronized void record(K key, V choice) {
        entries.put(key, Objects.requireNonNull(choice, "choice"));
        added.put(key, choice);
    }

    synchronized int hits() { return hits; }
    synchronized int misses() { return misses; }
    synchronized int size() { return entries.size(); }

    /** Writes the choices recorded since the last save, merged with the file as it is now; a no-op without any. */
    synchronized void save() {
        if (file == null || added.isEmpty()) return;
        Map<K, V> merged = new HashMap<>(entries);
        merged.putAll(readFile());
        merged.putAll(added);
        entries.putAll(merged);
        List<String> lines = new ArrayList<>(merged.size() + 2);
        lines.add(formatLine);
        lines.add(DEVICE_PREFIX + device.describe());
        merged.entrySet().stream().map(e -> codec.format().apply(e.getKey(), e.getValue())).sorted().forEach(lines::add);
        if (writeAtomically(lines)) added.clear();
    }

    private boolean writeAtomically(List<String> lines) {
        Path tmp = null;
        try {
            Files.createDirectories(file.getParent());
            tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            if (!warnedUnwritable) {
                warnedUnwritable = true;
                warn.accept(label + " " + file + " not written (" + e + "); keeping the choices in memory only");
            }
            return false;
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp == null) return;
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException | SecurityException e) {
            // best effort: a leftover *.tmp is never read
        }
    }

    /** The file's entries; empty (with one warning per store) when it is unreadable, foreign or corrupt. */
    private Map<K, V> readFile() {
        if (file == null) return Map.of();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | SecurityException e) { // includes malformed UTF-8
            return ignored("unreadable (" + e + ")");
        }
        if (lines.isEmpty() || !lines.getFirst().equals(formatLine)) {
            return ignored("not in format '" + formatLine + "' (first line: '" + (lines.isEmpty() ? "" : lines.getFirst()) + "')");
        }
        String expectedDevice = DEVICE_PREFIX + device.describe();
        if (lines.size() < 2 || !lines.get(1).equals(expectedDevice)) {
            return ignored("written for another device ('" + (lines.size() < 2 ? "" : lines.get(1)) + "', expected '" + expectedDevice + "')");
        }
        Map<K, V> read = new HashMap<>();
        for (int i = 2; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                Map.Entry<K, V> e = codec.parse().apply(lines.get(i));
                read.put(e.getKey(), e.getValue());
            } catch (IllegalArgumentException e) {
                return ignored("corrupt at line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return read;
    }

    private Map<K, V> ignored(String why) {
        if (!warnedAboutFile) {
            warnedAboutFile = true;
            warn.accept(label + " " + file + " ignored, will be rewritten: " + why);
        }
        return Map.of();
    }
}
