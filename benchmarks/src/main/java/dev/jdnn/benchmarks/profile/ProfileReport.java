package dev.jdnn.benchmarks.profile;

import dev.jdnn.networks.graph.ModelProfile;
import dev.jdnn.networks.graph.ModelProfile.KindTotal;
import dev.jdnn.networks.graph.ModelProfile.Row;
import dev.jdnn.networks.graph.ModelProfile.Timing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link ModelProfile} as people read it (Markdown: a summary that says where the step's time goes, a table per
 * op kind, a table per node) and as tools read it (JSON: every node in execution order, every number). Rates are
 * compared with the {@link DeviceCeilings} measured in the same run: nodes with multiply-adds (conv, linear) in
 * FLOP/s against the GEMM ceiling, all others in bytes moved per second against the copy ceiling.
 *
 * @param meta     machine and command (as the other results files have it)
 * @param what     one line: the model, its input, and the step profiled
 * @param profile  the profile
 * @param ceilings this device's ceilings
 */
public record ProfileReport(Map<String, Object> meta, String what, ModelProfile profile, DeviceCeilings ceilings) {
    /**
     * The Markdown report. {@code top}: how many nodes the node table lists (the slowest; all for 0), the rest summed
     * in one line; {@code executionOrder}: list them in execution order instead of slowest first.
     */
    public String markdown(int top, boolean executionOrder) {
        StringBuilder sb = new StringBuilder("# jdnn profile: ").append(what).append("\n\n");
        meta.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        sb.append('\n');
        summary().forEach(line -> sb.append("- ").append(line).append('\n'));

        sb.append("\n## By op kind\n\n| op | nodes | fwd ms | bwd ms | share | fwd rate (of ceiling) | bwd rate (of ceiling) |\n|---|---|---|---|---|---|---|\n");
        for (KindTotal k : profile.byKind()) {
            sb.append("| ").append(k.kind()).append(" | ").append(k.nodes()).append(" | ").append(ms(k.forward())).append(" | ").append(ms(k.backward()))
              .append(" | ").append(percent(profile.share(k.millis()))).append(" | ").append(rate(k.forward())).append(" | ").append(rate(k.backward())).append(" |\n");
        }
        sb.append("| (outside node calls) | | | | ").append(percent(profile.share(profile.overhead().total()))).append(" | | |\n");

        List<Row> listed = profile.slowest(top);
        if (executionOrder) listed = profile.rows().stream().filter(listed::contains).toList();
        sb.append("\n## Nodes (").append(listed.size() == profile.rows().size() ? "all " + listed.size() : "the " + listed.size() + " slowest of " + profile.rows().size())
          .append(executionOrder ? ", in execution order" : ", slowest first").append(")\n\n")
          .append("| # | node | op | input → output | implementation | fwd ms | bwd ms | host ms | share | fwd rate (of ceiling) | bwd rate (of ceiling) |\n")
          .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : listed) {
            sb.append("| ").append(r.index()).append(" | ").append(r.path().isEmpty() ? "(root)" : r.path()).append(" | ").append(r.kind())
              .append(" | ").append(String.join(", ", r.inputs())).append(" → ").append(r.output())
              .append(" | ").append(r.implementation() == null ? "" : r.implementation())
              .append(" | ").append(ms(r.forward())).append(" | ").append(ms(r.backward())).append(" | ").append(fixed(r.total().hostMillis()))
              .append(" | ").append(percent(profile.share(r.millis()))).append(" | ").append(rate(r.forward())).append(" | ").append(rate(r.backward())).append(" |\n");
        }
        int rest = profile.rows().size() - listed.size();
        if (rest > 0) {
            double restMillis = profile.nodeMillis() - listed.stream().mapToDouble(Row::millis).sum();
            sb.append("| | (").append(rest).append(" more nodes: ").append(fixed(restMillis)).append(" ms) | | | | | | | ")
              .append(percent(profile.share(restMillis))).append(" | | |\n");
        }
        sb.append("| | (outside node calls: ").append(fixed(profile.overhead().total())).append(" ms) | | | | | | | ")
          .append(percent(profile.share(profile.overhead().total()))).append(" | | |\n");
        return sb.toString();
    }

    /** What the numbers say about the step as a whole: the two ways it was timed, and where time outside the nodes went. */
    List<String> summary() {
        ModelProfile p = profile;
        ModelProfile.Overhead o = p.overhead();
        boolean cuda = p.backend().equals("cuda");
        double hostIssue = p.rows().stream().mapToDouble(r -> r.total().hostMillis()).sum();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "measured: %d steps each way, each after %d warm-up steps", p.steps(), p.warmupSteps()));
        lines.add(String.format(Locale.ROOT, "step as normally run: %.3f ms wall (%.1f images/s); %s", p.stepMillis(),
                p.input().dim(0) * 1000.0 / p.stepMillis(), p.graphCapture()));
        lines.add(String.format(Locale.ROOT, "profiled step: eager (no CUDA-graph replay), every node call between two time marks (%s): "
                + "%.3f ms device time from its first mark to its last, %.3f ms wall", cuda ? "CUDA events on the stream" : "the clock: CPU ops run as they are issued",
                p.profiledStepMillis(), p.profiledStepWallMillis()));
        boolean training = p.rows().stream().anyMatch(r -> r.backward() != null);
        lines.add(String.format(Locale.ROOT, "node calls: %.3f ms (%s of the profiled step); outside them %.3f ms: before the first call %.3f, "
                + "%safter the last call%s %.3f, between calls (fills, launch gaps) %.3f", p.nodeMillis(), percent(p.share(p.nodeMillis())), o.total(),
                o.beforeFirstCall(), training ? String.format(Locale.ROOT, "loss and its gradient %.3f, ", o.loss()) : "",
                training ? " (optimizer update, loss download)" : "", o.afterLastCall(), o.betweenCalls()));
        lines.add(String.format(Locale.ROOT, "eager overhead: the profiled step's wall time exceeds the step as normally run by %.3f ms: %s",
                p.profiledStepWallMillis() - p.stepMillis(), cuda
                        ? "the per-op launch and host overhead that CUDA graphs remove, plus the marks' own cost"
                        : "on the CPU both run eagerly, so this is the marks' cost and noise (the JIT still compiling during the first measurement, other processes)"));
        lines.add(String.format(Locale.ROOT, "host time issuing the node calls: %.3f ms%s", hostIssue, cuda
                ? " (asynchronous: where a node's host time nears its device time, the GPU waited for the host, and its device time includes that wait)"
                : " (on the CPU, the computation itself)"));
        lines.add("ceilings (measured now, same backend): " + ceilings.describe());
        return lines;
    }

    /** The JSON document: meta, ceilings, the whole-step numbers, every node in execution order, the op kinds. */
    public Map<String, Object> json() {
        ModelProfile p = profile;
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("meta", meta);
        doc.put("what", what);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("gemm", ceilings.gemm());
        c.put("gemm_flops_per_s", ceilings.gemmFlopsPerSecond());
        c.put("copy", ceilings.copy());
        c.put("copy_bytes_per_s", ceilings.copyBytesPerSecond());
        doc.put("ceilings", c);
        doc.put("backend", p.backend());
        doc.put("input", p.input().toArray());
        doc.put("warmup_steps", p.warmupSteps());
        doc.put("steps", p.steps());
        doc.put("step_ms", p.stepMillis());
        doc.put("graph_capture", p.graphCapture());
        doc.put("profiled_step_ms", p.profiledStepMillis());
        doc.put("profiled_step_wall_ms", p.profiledStepWallMillis());
        doc.put("node_ms", p.nodeMillis());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("before_first_call", p.overhead().beforeFirstCall());
        o.put("loss", p.overhead().loss());
        o.put("after_last_call", p.overhead().afterLastCall());
        o.put("between_calls", p.overhead().betweenCalls());
        o.put("share", p.share(p.overhead().total()));
        doc.put("outside_node_calls_ms", o);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Row r : p.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("graph", r.graph());
            m.put("index", r.index());
            m.put("path", r.path());
            m.put("kind", r.kind());
            m.put("inputs", r.inputs());
            m.put("output", r.output());
            m.put("implementation", r.implementation());
            rows.add(withTimes(m, r.millis(), r.forward(), r.backward()));
        }
        doc.put("nodes", rows);
        List<Map<String, Object>> kinds = new ArrayList<>();
        for (KindTotal k : p.byKind()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", k.kind());
            m.put("nodes", k.nodes());
            kinds.add(withTimes(m, k.millis(), k.forward(), k.backward()));
        }
        doc.put("by_kind", kinds);
        return doc;
    }

    /** {@code m} with the share of {@code millis}, and the forward and backward (null when it does not run). */
    private Map<String, Object> withTimes(Map<String, Object> m, double millis, Timing forward, Timing backward) {
        m.put("share", profile.share(millis));
        m.put("forward", timing(forward));
        m.put("backward", timing(backward));
        return m;
    }

    private Map<String, Object> timing(Timing t) {
        if (t == null) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ms", t.millis());
        m.put("host_ms", t.hostMillis());
        m.put("macs", t.macs());
        m.put("bytes", t.bytes());
        m.put("flops_per_s", t.flopsPerSecond());
        m.put("bytes_per_s", t.bytesPerSecond());
        m.put("of_ceiling", ofCeiling(t));
        return m;
    }

    /** The rate's fraction of its ceiling: FLOP/s of the GEMM's for nodes with multiply-adds, else B/s of the copy's. */
    public double ofCeiling(Timing t) {
        return t.macs() > 0 ? t.flopsPerSecond() / ceilings.gemmFlopsPerSecond() : t.bytesPerSecond() / ceilings.copyBytesPerSecond();
    }

    private String rate(Timing t) {
        if (t == null) return "–";
        double r = t.macs() > 0 ? t.flopsPerSecond() : t.bytesPerSecond();
        if (Double.isNaN(r) || (t.macs() == 0 && t.bytes() == 0)) return "";
        return (t.macs() > 0 ? flops(r) : bytes(r)) + " (" + percent(ofCeiling(t)) + ")";
    }

    private static String ms(Timing t) {
        return t == null ? "–" : fixed(t.millis());
    }

    private static String fixed(double ms) {
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "" : String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
    }

    /** FLOP/s in TFLOP/s from 1 TFLOP/s up, else GFLOP/s. */
    static String flops(double perSecond) {
        return perSecond >= 1e12 ? String.format(Locale.ROOT, "%.1f TFLOP/s", perSecond / 1e12) : String.format(Locale.ROOT, "%.1f GFLOP/s", perSecond / 1e9);
    }

    /** Bytes per second in GB/s (10^9). */
    static String bytes(double perSecond) {
        return String.format(Locale.ROOT, "%.1f GB/s", perSecond / 1e9);
    }
}
