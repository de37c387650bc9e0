package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.OperandType;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmarked convolution algorithms, so each shape is searched with cudnnFind* once: shared by the plans of one
 * backend and, given a directory, kept across runs in {@code <dir>/<device>.txt} (see {@link ChoiceStore} for the
 * file, its merging, atomic saves and the handling of bad files). Needs no GPU.
 */
final class ConvAlgorithmStore extends ChoiceStore<ConvAlgorithmStore.ConvKey, ConvAlgorithm> {
    static final String FORMAT_LINE = "# jdnn convolution algorithms, format 3";

    /**
     * One search: direction, math mode (strict FP32 admits FMA math only), determinism (deterministic mode admits only
     * algorithms cuDNN reports as deterministic; plans do not time algorithms in that mode today, but a choice made in
     * one mode must never be read back in the other), the workspace policy it searched under ({@link WorkspaceLimit#key()}:
     * the policy, not the bytes it gave that time) and the convolution's geometry and operand type (dtype and memory
     * format change the algorithms entirely). The bias flag is dropped: the bias is added by a separate call and does
     * not affect the choice.
     */
    record ConvKey(ConvDirection direction, boolean strictFp32, boolean deterministic, String workspaceLimit, Conv2dSpec spec) {
        ConvKey {
            Objects.requireNonNull(direction, "direction");
            Objects.requireNonNull(spec, "spec");
            if (workspaceLimit == null || !workspaceLimit.matches("\\S+")) throw new IllegalArgumentException("workspace limit key must be one word, got '" + workspaceLimit + "'");
            spec = spec.withBias(false);
        }

        String format() {
            return direction.name().toLowerCase(Locale.ROOT).replace('_', '-') + (strictFp32 ? " fp32" : " tf32")
                    + (deterministic ? " deterministic" : " any") + " limit=" + workspaceLimit
                    + " operands=" + spec.operands().dtype().label() + "-" + spec.operands().format().label()
                    + " " + spec.geometry();
        }
    }

    private static final String N = "(\\d{1,19})";
    private static final Pattern ENTRY = Pattern.compile("(forward|backward-data|backward-filter) (fp32|tf32) (deterministic|any) limit=(\\S+)"
            + " operands=(float32|bfloat16|float16)-(nchw|nhwc)"
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
        for (int i = 0; i < v.length; i++) v[i] = Integer.parseInt(m.group(i + 7)); // NumberFormatException past int
        ConvDirection d = ConvDirection.valueOf(m.group(1).toUpperCase(Locale.ROOT).replace('-', '_'));
        OperandType operands = OperandType.of(MemoryFormat.valueOf(m.group(6).toUpperCase(Locale.ROOT)), DType.valueOf(m.group(5).toUpperCase(Locale.ROOT)));
        Conv2dSpec spec = new Conv2dSpec(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], false, operands);
        ConvKey key = new ConvKey(d, m.group(2).equals("fp32"), m.group(3).equals("deterministic"), m.group(4), spec);
        return Map.entry(key, new ConvAlgorithm(v[14], v[15], Long.parseLong(m.group(23))));
    }

    /** A store in {@code dir} (null: memory only) for {@code device}, loaded now; warnings go to the System.Logger. */
    static ConvAlgorithmStore open(Path dir, DeviceKey device) {
        return new ConvAlgorithmStore(dir, device, loggerFor(ConvAlgorithmStore.class));
    }

    ConvAlgorithmStore(Path dir, DeviceKey device, Consumer<String> warn) {
        super(dir, "", device, FORMAT_LINE, "convolution algorithm cache", new Codec<>(ConvAlgorithmStore::formatEntry, ConvAlgorithmStore::parseEntry), warn);
    }

    /** The defaults' directory: {@code conv-algorithms} next to the kernel cache ({@code ~/.cache/jdnn/conv-algorithms}). */
    static Path defaultDir() {
        return KernelCache.defaultDiskCache().resolveSibling("conv-algorithms");
    }
}
