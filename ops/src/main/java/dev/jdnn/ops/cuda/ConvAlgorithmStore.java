package dev.jdnn.ops.cuda;

import dev.jdnn.memory.cuda.CudaDevice;
import dev.jdnn.ops.Conv2dSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmarked convolution algorithms, so each shape is searched with cudnnFind* once: shared by the plans of one
 * backend and, given a directory, kept across runs in {@code <dir>/<device>.txt}, one file per GPU model and cuDNN
 * build (the choice depends on both). The file is plain text: a format line, a device line, then one line per choice.
 * It is loaded once when the backend is created and rewritten after a plan adds choices: re-read and merged first, so
 * processes sharing the directory keep each other's entries (a save racing another one may still drop that one's
 * newest entries; they are searched again next time), written to a temporary file and moved into place atomically.
 * A file that does not parse, or comes from another format or device, is ignored with one warning and rewritten;
 * an unwritable directory is reported once and the choices stay in memory. Needs no GPU: the device identity is the
 * caller's {@link DeviceKey}.
 */
final class ConvAlgorithmStore {
    static final String FORMAT_LINE = "# jdnn convolution algorithms, format 2";
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
     * One search: direction, math mode (strict FP32 admits FMA math only), determinism (deterministic mode admits only
     * algorithms cuDNN reports as deterministic; plans do not time algorithms in that mode today, but a choice made in
     * one mode must never be read back in the other), workspace limit and the convolution's geometry. The bias flag
     * is dropped: the bias is added by a separate call and does not affect the choice.
     */
    record ConvKey(ConvDirection direction, boolean strictFp32, boolean deterministic, long workspaceLimit, Conv2dSpec spec) {
        ConvKey {
            Objects.requireNonNull(direction, "direction");
            if (workspaceLimit < 0) throw new IllegalArgumentException("negative workspace limit " + workspaceLimit);
            spec = withoutBias(spec);
        }

        String format() {
            return direction.name().toLowerCase(Locale.ROOT).replace('_', '-') + (strictFp32 ? " fp32" : " tf32")
                    + (deterministic ? " deterministic" : " fastest") + " limit=" + workspaceLimit
                    + " input=" + spec.batch() + "x" + spec.inChannels() + "x" + spec.height() + "x" + spec.width() + " out=" + spec.outChannels()
                    + " kernel=" + spec.kernelH() + "x" + spec.kernelW() + " stride=" + spec.strideH() + "x" + spec.strideW()
                    + " pad=" + spec.padH() + "x" + spec.padW() + " dilation=" + spec.dilationH() + "x" + spec.dilationW() + " groups=" + spec.groups();
        }

        private static Conv2dSpec withoutBias(Conv2dSpec s) {
            return !s.bias() ? s : new Conv2dSpec(s.batch(), s.inChannels(), s.height(), s.width(), s.outChannels(), s.kernelH(), s.kernelW(),
                    s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW(), s.groups(), false);
        }
    }

    private static final String N = "(\\d{1,19})";
    private static final Pattern ENTRY = Pattern.compile("(forward|backward-data|backward-filter) (fp32|tf32) (deterministic|fastest) limit=" + N
            + " input=" + N + "x" + N + "x" + N + "x" + N + " out=" + N + " kernel=" + N + "x" + N + " stride=" + N + "x" + N
            + " pad=" + N + "x" + N + " dilation=" + N + "x" + N + " groups=" + N + " -> algo=" + N + " math=" + N + " workspace=" + N);

    /** One line of the file: the key, then the choice. */
    static String formatEntry(ConvKey key, ConvAlgorithm a) {
        return key.format() + " -> algo=" + a.algo() + " math=" + a.mathType() + " workspace=" + a.workspaceBytes();
    }

    /** Parses one line; throws IllegalArgumentException (naming the problem) for anything {@link #formatEntry} would not write. */
    static Map.Entry<ConvKey, ConvAlgorithm> parseEntry(String line) {
        Matcher m = ENTRY.matcher(line);
        if (!m.matches()) throw new IllegalArgumentException("not an entry: '" + line + "'");
        int[] v = new int[16];
        for (int i = 0; i < v.length; i++) v[i] = Integer.parseInt(m.group(i + 5)); // NumberFormatException past int
        ConvDirection d = ConvDirection.valueOf(m.group(1).toUpperCase(Locale.ROOT).replace('-', '_'));
        Conv2dSpec spec = new Conv2dSpec(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], false);
        ConvKey key = new ConvKey(d, m.group(2).equals("fp32"), m.group(3).equals("deterministic"), Long.parseLong(m.group(4)), spec);
        return Map.entry(key, new ConvAlgorithm(v[14], v[15], Long.parseLong(m.group(21))));
    }

    private final Path file; // null: memory only
    private final DeviceKey device;
    private final Consumer<String> warn;
    private final Map<ConvKey, ConvAlgorithm> entries = new HashMap<>();
    /** Recorded since the last successful save: these win over what another process wrote meanwhile. */
    private final Map<ConvKey, ConvAlgorithm> added = new HashMap<>();
    private boolean warnedAboutFile, warnedUnwritable;
    private int hits, misses;

    /** A store in {@code dir} (null: memory only) for {@code device}, loaded now; warnings go to the System.Logger. */
    static ConvAlgorithmStore open(Path dir, DeviceKey device) {
        System.Logger log = System.getLogger(ConvAlgorithmStore.class.getName());
        return new ConvAlgorithmStore(dir, device, message -> log.log(System.Logger.Level.WARNING, message));
    }

    ConvAlgorithmStore(Path dir, DeviceKey device, Consumer<String> warn) {
        this.device = Objects.requireNonNull(device, "device");
        this.file = dir == null ? null : dir.resolve(device.fileName());
        this.warn = Objects.requireNonNull(warn, "warn");
        entries.putAll(readFile());
    }

    /** The defaults' directory: {@code conv-algorithms} next to the kernel cache ({@code ~/.cache/jdnn/conv-algorithms}). */
    static Path defaultDir() {
        return KernelCache.defaultDiskCache().resolveSibling("conv-algorithms");
    }

    /** The file this store reads and writes, or null for memory only. */
    Path file() {
        return file;
    }

    /**
     * The stored choice for {@code key} as {@code revalidate} returns it (the algorithm as usable now, or null to
     * reject it); counts a hit when one comes back, a miss otherwise.
     */
    synchronized ConvAlgorithm lookup(ConvKey key, UnaryOperator<ConvAlgorithm> revalidate) {
        ConvAlgorithm stored = entries.get(key);
        ConvAlgorithm usable = stored == null ? null : revalidate.apply(stored);
        if (usable == null) misses++; else hits++;
        return usable;
    }

    /** Without revalidation or counting, for tests and inspection. */
    synchronized ConvAlgorithm get(ConvKey key) {
        return entries.get(key);
    }

    synchronized void record(ConvKey key, ConvAlgorithm algorithm) {
        entries.put(key, Objects.requireNonNull(algorithm, "algorithm"));
        added.put(key, algorithm);
    }

    synchronized int hits() { return hits; }
    synchronized int misses() { return misses; }
    synchronized int size() { return entries.size(); }

    /** Writes the choices recorded since the last save, merged with the file as it is now; a no-op without any. */
    synchronized void save() {
        if (file == null || added.isEmpty()) return;
        Map<ConvKey, ConvAlgorithm> merged = new HashMap<>(entries);
        merged.putAll(readFile());
        merged.putAll(added);
        entries.putAll(merged);
        List<String> lines = new ArrayList<>(merged.size() + 2);
        lines.add(FORMAT_LINE);
        lines.add(DEVICE_PREFIX + device.describe());
        merged.entrySet().stream().map(e -> formatEntry(e.getKey(), e.getValue())).sorted().forEach(lines::add);
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
                warn.accept("convolution algorithm cache " + file + " not written (" + e + "); keeping the choices in memory only");
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
    private Map<ConvKey, ConvAlgorithm> readFile() {
        if (file == null) return Map.of();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | SecurityException e) { // includes malformed UTF-8
            return ignored("unreadable (" + e + ")");
        }
        if (lines.isEmpty() || !lines.getFirst().equals(FORMAT_LINE)) {
            return ignored("not in format '" + FORMAT_LINE + "' (first line: '" + (lines.isEmpty() ? "" : lines.getFirst()) + "')");
        }
        String expectedDevice = DEVICE_PREFIX + device.describe();
        if (lines.size() < 2 || !lines.get(1).equals(expectedDevice)) {
            return ignored("written for another device ('" + (lines.size() < 2 ? "" : lines.get(1)) + "', expected '" + expectedDevice + "')");
        }
        Map<ConvKey, ConvAlgorithm> read = new HashMap<>();
        for (int i = 2; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                Map.Entry<ConvKey, ConvAlgorithm> e = parseEntry(lines.get(i));
                read.put(e.getKey(), e.getValue());
            } catch (IllegalArgumentException e) {
                return ignored("corrupt at line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return read;
    }

    private Map<ConvKey, ConvAlgorithm> ignored(String why) {
        if (!warnedAboutFile) {
            warnedAboutFile = true;
            warn.accept("convolution algorithm cache " + file + " ignored, will be rewritten: " + why);
        }
        return Map.of();
    }
}
