package dev.jdnn.ops.cuda.graphapi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An engine configuration by identity: the engine's global index for the graph and its knob settings. That is all
 * cuDNN needs to rebuild the configuration for the same graph later (another process, another day), so it is what
 * the heuristics' answers are reduced to and what jdnn keeps on disk.
 *
 * @param engineIndex CUDNN_ATTR_ENGINE_GLOBAL_INDEX
 * @param knobs       the knob choices (cudnnBackendKnobType_t value, chosen value), in cuDNN's order
 */
public record EngineChoice(long engineIndex, List<Knob> knobs) {
    /** One knob setting. */
    public record Knob(int type, long value) {
    }

    public EngineChoice {
        if (engineIndex < 0) throw new IllegalArgumentException("negative engine index " + engineIndex);
        knobs = List.copyOf(Objects.requireNonNull(knobs, "knobs"));
    }

    private static final Pattern TEXT = Pattern.compile("engine=(\\d{1,18}) knobs=(-|\\d{1,9}:-?\\d{1,18}(?:,\\d{1,9}:-?\\d{1,18})*)");

    /** e.g. {@code engine=12 knobs=3:1,17:0}, or {@code knobs=-} without knobs. */
    public String format() {
        StringBuilder b = new StringBuilder("engine=").append(engineIndex).append(" knobs=");
        if (knobs.isEmpty()) return b.append('-').toString();
        for (int i = 0; i < knobs.size(); i++) b.append(i == 0 ? "" : ",").append(knobs.get(i).type()).append(':').append(knobs.get(i).value());
        return b.toString();
    }

    /** Reads {@link #format()}'s text; throws IllegalArgumentException, naming the text, for anything else. */
    public static EngineChoice parse(String text) {
        Matcher m = TEXT.matcher(text);
        if (!m.matches()) throw new IllegalArgumentException("not an engine choice: '" + text + "'");
        List<Knob> knobs = new ArrayList<>();
        if (!m.group(2).equals("-")) {
            for (String k : m.group(2).split(",")) {
                int colon = k.indexOf(':');
                knobs.add(new Knob(Integer.parseInt(k.substring(0, colon)), Long.parseLong(k.substring(colon + 1))));
            }
        }
        return new EngineChoice(Long.parseLong(m.group(1)), knobs);
    }
}
