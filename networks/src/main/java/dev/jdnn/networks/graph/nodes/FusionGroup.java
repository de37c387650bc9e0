package dev.jdnn.networks.graph.nodes;

import java.util.List;

/**
 * One candidate of the fusion rewrite and what became of it.
 *
 * @param training true for the training graph, false for the evaluation graph
 * @param pattern  the fused pattern, e.g. {@code conv-bias-activation} or {@code dgrad-drelu}
 * @param paths    the module paths of the nodes it covers, in graph order
 * @param fused    whether the pattern runs as fused plans
 * @param detail   fused: how the backend computes it (and anything left out of the group); not fused: why — the
 *                 backend's reason ({@link dev.jdnn.ops.Fusion.Unfused#describe()}) or the graph layer's
 */
public record FusionGroup(boolean training, String pattern, List<String> paths, boolean fused, String detail) {
    public FusionGroup {
        paths = List.copyOf(paths);
    }

    /** One line: graph, fused or not, pattern, nodes, detail. */
    public String describe() {
        return "%-10s %-9s %-26s %s: %s".formatted(training ? "training" : "evaluation", fused ? "fused" : "unfused", pattern,
                String.join(" + ", paths), detail);
    }
}
