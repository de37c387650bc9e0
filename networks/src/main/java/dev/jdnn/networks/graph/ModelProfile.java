package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.nodes.Graph;
import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.networks.graph.run.GraphRecordings;
import dev.jdnn.networks.graph.run.NodeExecution.Phase;
import dev.jdnn.networks.graph.run.NodeProfiler;
import dev.jdnn.ops.Backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the time of a compiled model's step goes, node by node ({@link CompiledModel#profile}): for every node of
 * each graph the step ran (the training graph for a training step, the evaluation graph for an inference forward),
 * its device time forward and backward, the host time spent issuing each, what it worked on (operand shapes and
 * layouts, the implementation its plan chose) and its work (multiply-adds, bytes moved), from which rates follow.
 *
 * <p>Two measurements of the same step. {@link #stepMillis}: the step as it normally runs (CUDA graphs replayed
 * where the model records them), timed by the wall clock. The profiled step: run eagerly — never replayed, since a
 * replay passes no per-node hook — with a time mark before and after every node call, so
 * {@link #profiledStepMillis} is the device time from the step's first mark to its last. The node times and the
 * {@link Overhead} (device time outside any node call) add up to it exactly. On CUDA a node's time is the GPU time
 * between its two events, which includes any wait for the host to issue its work: where a node's host time is close
 * to its device time, the GPU was starved, not busy. The difference between the profiled and the normal step is
 * what eager issuing (and the marks) cost, which CUDA graphs avoid.
 *
 * @param backend                the backend's name ("cpu", "cuda")
 * @param input                  the model's input shape
 * @param warmupSteps            steps run before each measurement and not counted (at least 2 before the normal one)
 * @param steps                  steps measured, each way
 * @param stepMillis             mean wall milliseconds of the step as it normally runs
 * @param graphCapture           what the model replays ({@link CompiledModel#graphCaptureStatus()}) after those steps
 * @param profiledStepMillis     mean device milliseconds of a profiled (eager) step, first mark to last
 * @param profiledStepWallMillis mean wall milliseconds of a profiled step
 * @param overhead               the profiled step's device time outside node calls
 * @param rows                   one per node of each graph the step ran, in execution order (training graph first)
 */
public record ModelProfile(String backend, Shape input, int warmupSteps, int steps, double stepMillis, String graphCapture,
                           double profiledStepMillis, double profiledStepWallMillis, Overhead overhead, List<Row> rows) {
    public ModelProfile {
        rows = List.copyOf(rows);
    }

    /**
     * One phase of one node, averaged over the measured steps.
     *
     * @param millis     device milliseconds
     * @param hostMillis host milliseconds issuing it (on CUDA asynchronous calls; on the CPU the computation itself)
     * @param macs       multiply-adds (conv and linear; 0 for the rest)
     * @param bytes      bytes read and written, each operand once ({@link Node#forwardBytes}, {@link Node#backwardBytes})
     */
    public record Timing(double millis, double hostMillis, long macs, long bytes) {
        /** Floating-point operations per second (2 per multiply-add), or NaN without multiply-adds or time. */
        public double flopsPerSecond() {
            return macs == 0 || millis <= 0 ? Double.NaN : 2.0 * macs / (millis / 1e3);
        }

        /** Bytes moved per second, or NaN without time. */
        public double bytesPerSecond() {
            return millis <= 0 ? Double.NaN : bytes / (millis / 1e3);
        }

        Timing plus(Timing o) {
            return o == null ? this : new Timing(millis + o.millis, hostMillis + o.hostMillis, macs + o.macs, bytes + o.bytes);
        }
    }

    /**
     * One node.
     *
     * @param graph          "training" or "evaluation"
     * @param index          its position in its graph's execution order
     * @param path           the module path it came from ("layer1.0.conv1")
     * @param kind           its op ("conv2d", "batchnorm(train)", ...)
     * @param inputs         each input: dtype, shape, layout ("float32[8, 64, 56, 56] NCHW")
     * @param output         the output, likewise
     * @param implementation how its plan computes it (convolution algorithms, ...), or null when the node says nothing
     * @param forward        its forward
     * @param backward       its backward, or null when it does not run (no gradient flows through it)
     */
    public record Row(String graph, int index, String path, String kind, List<String> inputs, String output, String implementation,
                      Timing forward, Timing backward) {
        public Row {
            inputs = List.copyOf(inputs);
        }

        /** Forward and backward device milliseconds. */
        public double millis() {
            return total().millis();
        }

        /** Forward and backward together. */
        public Timing total() {
            return forward.plus(backward);
        }
    }

    /**
     * The profiled step's device time outside node calls, split where the marks allow.
     *
     * @param beforeFirstCall from the step's start to its first node call (uploads, label copies, zero fills)
     * @param loss            from the last forward call to the first backward call (the loss and its gradient)
     * @param afterLastCall   from the last node call to the step's end (an optimizer update, the loss download)
     * @param betweenCalls    the rest: fills and gaps between consecutive node calls (launch latency)
     */
    public record Overhead(double beforeFirstCall, double loss, double afterLastCall, double betweenCalls) {
        public double total() {
            return beforeFirstCall + loss + afterLastCall + betweenCalls;
        }
    }

    /** All nodes of one op kind. */
    public record KindTotal(String kind, int nodes, Timing forward, Timing backward) {
        public double millis() {
            return forward.millis() + (backward == null ? 0 : backward.millis());
        }
    }

    /** Device milliseconds of all node calls: {@link #profiledStepMillis} less the {@link #overhead}. */
    public double nodeMillis() {
        return rows.stream().mapToDouble(Row::millis).sum();
    }

    /** A row's (or any time's) share of the profiled step, 0 to 1. */
    public double share(double millis) {
        return profiledStepMillis <= 0 ? Double.NaN : millis / profiledStepMillis;
    }

    /** The {@code n} slowest rows (forward + backward), slowest first; all of them for n <= 0. */
    public List<Row> slowest(int n) {
        List<Row> sorted = rows.stream().sorted(Comparator.comparingDouble(Row::millis).reversed()).toList();
        return n <= 0 || n >= sorted.size() ? sorted : sorted.subList(0, n);
    }

    /** The rows grouped by op kind, slowest kind first. */
    public List<KindTotal> byKind() {
        Map<String, KindTotal> kinds = new LinkedHashMap<>();
        for (Row r : rows) {
            kinds.merge(r.kind(), new KindTotal(r.kind(), 1, r.forward(), r.backward()), (a, b) -> new KindTotal(a.kind(), a.nodes() + 1,
                    a.forward().plus(b.forward()), a.backward() == null ? b.backward() : a.backward().plus(b.backward())));
        }
        return kinds.values().stream().sorted(Comparator.comparingDouble(KindTotal::millis).reversed()).toList();
    }

    /** See {@link CompiledModel#profile}. */
    static ModelProfile measure(CompiledModel model, NodeProfiler profiler, GraphRecordings recordings, Runnable step, int warmup, int steps) {
        if (warmup < 0) throw new IllegalArgumentException("profile: warm-up steps must be >= 0, got " + warmup);
        if (steps < 1) throw new IllegalArgumentException("profile: measured steps must be >= 1, got " + steps);
        Backend backend = model.backend();
        // As normally run: a recorded kind is warmed up by its first call and captured by its second.
        for (int i = 0; i < Math.max(2, warmup); i++) step.run();
        backend.synchronize();
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) step.run();
        backend.synchronize();
        double stepMillis = (System.nanoTime() - t0) / 1e6 / steps;
        String capture = model.graphCaptureStatus();

        recordings.runEagerly(true);
        try (NodeProfiler.Session s = profiler.open(backend)) {
            for (int i = 0; i < warmup; i++) s.step(step, false);
            for (int i = 0; i < steps; i++) s.step(step, true);
            List<Row> rows = new ArrayList<>();
            rows(model.plan(true).graph(), "training", s, rows);
            rows(model.plan(false).graph(), "evaluation", s, rows);
            if (rows.isEmpty()) throw new IllegalArgumentException("profile: the step ran no node of this model (it must call forward or forwardBackward)");
            double nodes = rows.stream().mapToDouble(Row::millis).sum();
            double between = s.stepMillis() - nodes - s.beforeFirstCallMillis() - s.lossMillis() - s.afterLastCallMillis();
            Overhead overhead = new Overhead(s.beforeFirstCallMillis(), s.lossMillis(), s.afterLastCallMillis(), between);
            return new ModelProfile(backend.name(), model.inputShape(), warmup, steps, stepMillis, capture, s.stepMillis(), s.stepWallMillis(), overhead, rows);
        } finally {
            recordings.runEagerly(false);
        }
    }

    /** A row per node of {@code g} when the step ran its nodes. */
    private static void rows(Graph g, String name, NodeProfiler.Session s, List<Row> rows) {
        if (g.nodes().isEmpty() || !s.ran(g.nodes().getFirst(), Phase.FORWARD)) return;
        for (Node n : g.nodes()) {
            NodeProfiler.Operands f = s.operands(n, Phase.FORWARD);
            if (f == null) throw new IllegalStateException("profile: " + n + " did not run its forward in a step that ran its graph");
            Timing forward = timing(s, n, Phase.FORWARD);
            Timing backward = s.ran(n, Phase.BACKWARD) ? timing(s, n, Phase.BACKWARD) : null;
            rows.add(new Row(name, n.index(), n.path, n.kind(), f.inputs(), f.output(), n.implementation(), forward, backward));
        }
    }

    private static Timing timing(NodeProfiler.Session s, Node n, Phase phase) {
        NodeProfiler.Operands o = s.operands(n, phase);
        return new Timing(s.deviceMillis(n, phase), s.hostMillis(n, phase), o.macs(), o.bytes());
    }
}
