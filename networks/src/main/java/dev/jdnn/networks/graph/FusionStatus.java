package dev.jdnn.networks.graph;

import dev.jdnn.networks.graph.nodes.FusionGroup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fusion rewrite decided for one compiled model ({@link CompiledModel#fusionStatus()}): whether it ran, and
 * every candidate group of the evaluation and the training graph with its outcome.
 *
 * @param mode    the compile option
 * @param on      whether the rewrite ran (the mode on this backend)
 * @param backend the backend's name, for the reason fusion is off
 */
record FusionStatus(CompileOptions.FusionMode mode, boolean on, String backend, List<FusionGroup> evaluation, List<FusionGroup> training) {
    FusionStatus {
        evaluation = List.copyOf(evaluation);
        training = List.copyOf(training);
    }

    List<FusionGroup> groups() {
        List<FusionGroup> all = new ArrayList<>(evaluation);
        all.addAll(training);
        return all;
    }

    /** One line: on or off (and why), and per graph and pattern how many candidates fused. */
    String summary() {
        if (!on) {
            return "fusion off (" + (mode == CompileOptions.FusionMode.OFF
                    ? "the default until cuDNN's fused engines are verified on a GPU; fusion auto (--fusion auto) turns it on for CUDA"
                    : "auto: the " + backend + " backend's fused plans are compositions of its unfused ops; CompileOptions fusion ON forces them") + ")";
        }
        return "fusion on" + (mode == CompileOptions.FusionMode.ON ? " (forced)" : "") + ": evaluation " + counts(evaluation) + "; training " + counts(training);
    }

    private static String counts(List<FusionGroup> groups) {
        if (groups.isEmpty()) return "no candidates";
        Map<String, int[]> byPattern = new LinkedHashMap<>(); // pattern -> {fused, candidates}
        for (FusionGroup g : groups) {
            int[] c = byPattern.computeIfAbsent(g.pattern(), k -> new int[2]);
            if (g.fused()) c[0]++;
            c[1]++;
        }
        List<String> parts = new ArrayList<>();
        byPattern.forEach((pattern, c) -> parts.add(pattern + " " + c[0] + "/" + c[1] + " fused"));
        return String.join(", ", parts);
    }

    /** The summary, then one line per candidate. */
    String describe() {
        StringBuilder sb = new StringBuilder(summary());
        for (FusionGroup g : groups()) sb.append('\n').append("  ").append(g.describe());
        return sb.toString();
    }
}
