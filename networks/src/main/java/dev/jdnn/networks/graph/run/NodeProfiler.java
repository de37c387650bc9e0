package dev.jdnn.networks.graph.run;

import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.graph.nodes.Graph;
import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.networks.graph.nodes.NodeContext;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.TimeMarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The per-node timing behind a compiled model's profile: a {@link NodeExecution} that passes every call straight
 * through, except while a {@link Session} is open. Then each node call runs between two {@link TimeMarks} (device
 * time) and the host clock (issue time), and its first call records what it works on: the operands' shapes and
 * layouts, the bytes it reads and writes and its multiply-adds, as the node counts them
 * ({@link Node#forwardBytes}, {@link Node#macs}, ...).
 */
public final class NodeProfiler implements NodeExecution {
    private final NodeExecution inner;
    private final Map<Node, Integer> slots = new IdentityHashMap<>(); // node -> its position among all registered nodes
    private Session session;

    /** {@code inner}: how a call runs inside the timing ({@link NodeExecution#DIRECT}, or a test's hook). */
    public NodeProfiler(NodeExecution inner) {
        this.inner = inner;
    }

    /** Registers a graph's nodes (a model's training and evaluation graphs), before any session is opened. */
    public void add(Graph graph) {
        for (Node n : graph.nodes()) slots.putIfAbsent(n, slots.size());
    }

    @Override
    public void run(Node node, Phase phase, NodeContext context, Runnable call) {
        Session s = session;
        if (s == null) inner.run(node, phase, context, call);
        else s.timed(node, phase, context, () -> inner.run(node, phase, context, call));
    }

    /** Starts timing every node call on {@code backend}, until the session is closed. */
    public Session open(Backend backend) {
        if (session != null) throw new IllegalStateException("a profiling session is already open on this model");
        session = new Session(backend);
        return session;
    }

    /** What one node call works on, recorded at its first timed call. */
    public record Operands(List<String> inputs, String output, long bytes, long macs) {}

    /**
     * One profiling session: {@link #step} runs a piece of work (a training step, a forward pass) with a mark at its
     * start and end and two around each node call; measured steps add their times up. Spans are read after each step
     * (which waits for the device), so the marks can be reused and a step's work never overlaps the next.
     */
    public final class Session implements AutoCloseable {
        private final TimeMarks marks;
        private final int stepStart, stepEnd;
        private final double[] deviceMillis;
        private final long[] hostNanos;
        private final Operands[] operands;
        private final List<Integer> order = new ArrayList<>(); // this step's calls, in the order they ran
        private final boolean[] ranThisStep;
        private int measuredSteps;
        private double stepMillis, stepWallMillis, beforeFirstCall, loss, afterLastCall;

        private Session(Backend backend) {
            int calls = 2 * slots.size(); // a forward and a backward per node
            marks = backend.timeMarks(2 * calls + 2);
            stepStart = 2 * calls;
            stepEnd = stepStart + 1;
            deviceMillis = new double[calls];
            hostNanos = new long[calls];
            operands = new Operands[calls];
            ranThisStep = new boolean[calls];
        }

        private int call(Node node, Phase phase) {
            Integer slot = slots.get(node);
            if (slot == null) throw new IllegalStateException(node + " is not a node of the profiled model (bug in the graph layer)");
            return 2 * slot + phase.ordinal();
        }

        private void timed(Node node, Phase phase, NodeContext context, Runnable call) {
            int c = call(node, phase);
            if (ranThisStep[c]) {
                throw new IllegalStateException("profile: " + node + " ran its " + phase.name().toLowerCase(Locale.ROOT) + " twice in one profiled step;"
                        + " a step may run each node once per phase (one training step, or one forward pass)");
            }
            ranThisStep[c] = true;
            order.add(c);
            if (operands[c] == null) operands[c] = workOf(node, phase, context);
            marks.record(2 * c);
            long t0 = System.nanoTime();
            call.run();
            hostNanos[c] += System.nanoTime() - t0;
            marks.record(2 * c + 1);
        }

        /** Runs {@code work} as one step; a measured step's times add to the session's, a warm-up's are dropped. */
        public void step(Runnable work, boolean measured) {
            order.clear();
            Arrays.fill(ranThisStep, false);
            long[] hostBefore = measured ? null : hostNanos.clone();
            long t0 = System.nanoTime();
            marks.record(stepStart);
            work.run();
            marks.record(stepEnd);
            double step = marks.millis(stepStart, stepEnd); // waits for the step's work
            double wall = (System.nanoTime() - t0) / 1e6;
            if (!measured) {
                System.arraycopy(hostBefore, 0, hostNanos, 0, hostNanos.length);
                return;
            }
            measuredSteps++;
            stepMillis += step;
            stepWallMillis += wall;
            for (int c : order) deviceMillis[c] += marks.millis(2 * c, 2 * c + 1);
            if (order.isEmpty()) return;
            beforeFirstCall += marks.millis(stepStart, 2 * order.getFirst());
            afterLastCall += marks.millis(2 * order.getLast() + 1, stepEnd);
            // The loss (and its gradient) runs between the last forward call and the first backward call.
            int firstBackward = IntStream.range(0, order.size()).filter(i -> order.get(i) % 2 == 1).findFirst().orElse(-1);
            if (firstBackward > 0) loss += marks.millis(2 * order.get(firstBackward - 1) + 1, 2 * order.get(firstBackward));
        }

        /** True when the node's call of this phase ran in the measured steps. */
        public boolean ran(Node node, Phase phase) {
            return operands[call(node, phase)] != null;
        }

        /** Mean device milliseconds per measured step of the node's call of this phase. */
        public double deviceMillis(Node node, Phase phase) {
            return deviceMillis[call(node, phase)] / Math.max(1, measuredSteps);
        }

        /** Mean host milliseconds per measured step spent issuing the call (on the CPU: computing it). */
        public double hostMillis(Node node, Phase phase) {
            return hostNanos[call(node, phase)] / 1e6 / Math.max(1, measuredSteps);
        }

        /** What the call worked on, or null when it never ran. */
        public Operands operands(Node node, Phase phase) {
            return operands[call(node, phase)];
        }

        /** Mean device milliseconds of a measured step, from its first mark to its last. */
        public double stepMillis() {
            return stepMillis / Math.max(1, measuredSteps);
        }

        /** Mean wall milliseconds of a measured step, the marks' own cost included. */
        public double stepWallMillis() {
            return stepWallMillis / Math.max(1, measuredSteps);
        }

        /** Mean device milliseconds from the step's start to its first node call (uploads, label copies). */
        public double beforeFirstCallMillis() {
            return beforeFirstCall / Math.max(1, measuredSteps);
        }

        /** Mean device milliseconds between the last forward call and the first backward call: the loss, its gradient, fills. */
        public double lossMillis() {
            return loss / Math.max(1, measuredSteps);
        }

        /** Mean device milliseconds from the last node call to the step's end (an optimizer update, the loss download). */
        public double afterLastCallMillis() {
            return afterLastCall / Math.max(1, measuredSteps);
        }

        /** Ends the session: node calls pass straight through again, the marks are freed. */
        @Override
        public void close() {
            session = null;
            marks.close();
        }
    }

    private static Operands workOf(Node n, Phase phase, NodeContext c) {
        List<String> inputs = Arrays.stream(c.in).map(NodeProfiler::describe).toList();
        return phase == Phase.FORWARD ? new Operands(inputs, describe(c.out), n.forwardBytes(c), n.macs())
                : new Operands(inputs, describe(c.out), n.backwardBytes(c), n.backwardMacs(c));
    }

    /** "float32[256, 64, 56, 56] NCHW": dtype, shape and how the elements lie in memory (see {@link #layout}). */
    public static String describe(Tensor t) {
        String layout = layout(t);
        return t.dtype().label() + t.shape() + (layout.isEmpty() ? "" : " " + layout);
    }

    /**
     * How a tensor lies in memory: for rank 4, the {@link MemoryFormat} it is densely packed in ("NCHW", "NHWC"; both
     * when its size-1 dimensions make them the same bytes), or, for a view such as a channel slice of a
     * concatenation, its dimensions from the largest stride to the smallest and its strides ("NCHW order, strides
     * [...]"); for other ranks nothing when contiguous, else the strides.
     */
    public static String layout(Tensor t) {
        long[] strides = t.strides();
        if (t.rank() != 4) return t.isContiguous() ? "" : "strides " + Arrays.toString(strides);
        List<String> dense = Arrays.stream(MemoryFormat.values()).filter(f -> f.isLayoutOf(t)).map(Enum::name).toList();
        if (!dense.isEmpty()) return String.join("=", dense);
        String order = IntStream.range(0, 4).boxed().filter(d -> t.dim(d) > 1)
                .sorted(Comparator.comparingLong((Integer d) -> -strides[d]).thenComparing(d -> d))
                .map(d -> String.valueOf("NCHW".charAt(d))).reduce("", String::concat);
        return order + " order, strides " + Arrays.toString(strides);
    }
}
