package dev.jdnn.ops.cuda;

import dev.jdnn.ops.FusedSpec;
import dev.jdnn.ops.cuda.graphapi.EngineChoice;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Autotuned engine configurations of fused cuDNN graphs, so each pattern and shape is timed once per GPU model and
 * cuDNN build: a {@link ChoiceStore} kept in {@code <dir>/fused-engines-<device>.txt}, next to the convolution
 * algorithms. Needs no GPU.
 */
final class FusedEngineStore extends ChoiceStore<FusedEngineStore.FusedKey, EngineChoice> {
    static final String FORMAT_LINE = "# jdnn fused engine configurations, format 1";

    /**
     * One tuning: the spec's full description (pattern, geometry, dtype, layout), the math admitted (strict FP32 or
     * TF32), whether only deterministic engines count, and the workspace limit.
     */
    record FusedKey(boolean strictFp32, boolean deterministic, long workspaceLimit, String spec) {
        FusedKey {
            Objects.requireNonNull(spec, "spec");
            if (workspaceLimit < 0) throw new IllegalArgumentException("negative workspace limit " + workspaceLimit);
            if (spec.isBlank() || spec.lines().count() != 1 || spec.contains(" -> ")) throw new IllegalArgumentException("not a one-line spec description: '" + spec + "'");
        }

        static FusedKey of(FusedSpec<?> spec, boolean strictFp32, boolean deterministic, long workspaceLimit) {
            return new FusedKey(strictFp32, deterministic, workspaceLimit, spec.describe());
        }

        String format() {
            return (strictFp32 ? "fp32" : "tf32") + (deterministic ? " deterministic" : " any") + " limit=" + workspaceLimit + " " + spec;
        }
    }

    private static final Pattern ENTRY = Pattern.compile("(fp32|tf32) (deterministic|any) limit=(\\d{1,19}) (.+) -> (engine=.+)");

    static String formatEntry(FusedKey key, EngineChoice choice) {
        return key.format() + " -> " + choice.format();
    }

    /** Parses one line; throws IllegalArgumentException (naming the problem) for anything {@link #formatEntry} would not write. */
    static Map.Entry<FusedKey, EngineChoice> parseEntry(String line) {
        Matcher m = ENTRY.matcher(line);
        if (!m.matches()) throw new IllegalArgumentException("not an entry: '" + line + "'");
        FusedKey key = new FusedKey(m.group(1).equals("fp32"), m.group(2).equals("deterministic"), Long.parseLong(m.group(3)), m.group(4));
        return Map.entry(key, EngineChoice.parse(m.group(5)));
    }

    /** A store in {@code dir} (null: memory only) for {@code device}, loaded now; warnings go to the System.Logger. */
    static FusedEngineStore open(Path dir, DeviceKey device) {
        return new FusedEngineStore(dir, device, loggerFor(FusedEngineStore.class));
    }

    FusedEngineStore(Path dir, DeviceKey device, Consumer<String> warn) {
        super(dir, "fused-engines-", device, FORMAT_LINE, "fused engine cache", new Codec<>(FusedEngineStore::formatEntry, FusedEngineStore::parseEntry), warn);
    }
}
