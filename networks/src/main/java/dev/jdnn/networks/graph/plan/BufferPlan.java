package dev.jdnn.networks.graph.plan;

import dev.jdnn.networks.graph.nodes.Alias;
import dev.jdnn.networks.graph.nodes.Node;

import dev.jdnn.networks.graph.nodes.Graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.OperandType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The memory analysis of one graph, before any tensor exists: which buffers it needs (activation roots, gradient
 * roots, per-node scratch), over which steps each is alive, and the beta of every gradient write.
 *
 * <p>Activations live from their producer's forward step to their last reader, which includes every backward that
 * reads them (conv/linear x for the weight gradient, activation/pool/LRN x and y, BN x, ...). Aliased values
 * (slices, reshapes, in-place concat parts) share their root's buffer, so liveness is tracked per root.
 *
 * <p>Gradients: the first write into a gradient root uses beta = 0 and later writes accumulate with beta = 1, so no
 * zeroing pass is needed — except for a root whose first write covers only part of it (e.g. the gradients of
 * narrowChannels views), which is zero-filled right before that write.
 */
public final class BufferPlan {
    /**
     * One planned buffer: its tensor shape, how it is stored (format and dtype) and its inclusive lifetime;
     * {@code output}s are never poisoned at death.
     */
    public static final class Planned {
        final Shape shape;
        final OperandType type;
        final String what;
        int start = Integer.MAX_VALUE, end = Integer.MIN_VALUE;
        boolean output;

        Planned(Shape shape, OperandType type, String what) {
            this.shape = shape;
            this.type = type;
            this.what = what;
        }

        void touch(int step) {
            start = Math.min(start, step);
            end = Math.max(end, step);
        }

        public Shape shape() { return shape; }
        /** The dtype and format the buffer's tensor is laid out in. */
        public OperandType type() { return type; }
        /** The element strides of the buffer's densely packed tensor ({@link dev.jdnn.memory.MemoryFormat#allocationStrides}). */
        public long[] strides() { return type.format().allocationStrides(shape); }
        /** The timeline step of its first use. */
        public int start() { return start; }
        /** The timeline step of its last use. */
        public int end() { return end; }
        /** True for a graph output: it stays valid after the run. */
        public boolean output() { return output; }

        long bytes() {
            return shape.numel() * type.dtype().byteSize();
        }
    }

    public final Graph graph;
    public final GradientFlow flow;
    public final Timeline timeline;
    public final List<Planned> buffers = new ArrayList<>();
    public final int[] valueBuffer;   // by root value id; -1 where none (the graph input, aliases)
    public final int[] gradBuffer;    // by root value id
    public final int[][] auxBuffer;   // by node index, per declared aux buffer (-1: not needed in this graph)
    public final int[][] tempBuffer;  // by node index, per input slot (-1: none)
    public final boolean[][] writesGrad; // node k physically writes the gradient of input i
    public final float[][] gradBeta;
    public final float[][] paramBeta;
    public final float[] lossBeta;    // per graph output
    public final int[] lossScratch;   // per graph output: the float32 loss gradient before loss scaling (-1: none)
    public final List<List<Integer>> zeroFillAt; // by step: gradient buffers to zero right before that step

    public BufferPlan(Graph graph, GradientFlow flow) {
        this(graph, flow, false);
    }

    /**
     * {@code scaledLoss}: the loss writes its gradient in float32 into a scratch per output, to be loss-scaled into
     * the output's gradient in the activations' dtype (float16 training; see {@link dev.jdnn.ops.LossScaling}).
     */
    public BufferPlan(Graph graph, GradientFlow flow, boolean scaledLoss) {
        this.graph = graph;
        this.flow = flow;
        int nodes = graph.nodes().size();
        this.timeline = new Timeline(nodes, flow.anyBackward());
        valueBuffer = filled(graph.valueCount());
        gradBuffer = filled(graph.valueCount());
        auxBuffer = new int[nodes][];
        tempBuffer = new int[nodes][];
        writesGrad = new boolean[nodes][];
        gradBeta = new float[nodes][];
        paramBeta = new float[nodes][];
        lossBeta = new float[graph.outputs().size()];
        lossScratch = filled(graph.outputs().size());
        zeroFillAt = new ArrayList<>();
        for (int t = 0; t < timeline.steps(); t++) zeroFillAt.add(new ArrayList<>());
        planActivations();
        planGradients();
        if (scaledLoss) planLossScratch();
        planParameterGradients();
        planScratch();
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }

    public List<MemoryPlanner.Request> requests() {
        List<MemoryPlanner.Request> out = new ArrayList<>();
        for (Planned p : buffers) out.add(new MemoryPlanner.Request(p.bytes(), p.start, p.end));
        return out;
    }

    private int newBuffer(Shape shape, OperandType type, String what) {
        buffers.add(new Planned(shape, type, what));
        return buffers.size() - 1;
    }

    // ---- activations --------------------------------------------------------------------------------------------

    private void touchValue(int value, int step) {
        int root = graph.root(value);
        if (root == graph.input.id()) return; // the graph-owned input tensor is not planned
        if (valueBuffer[root] < 0) valueBuffer[root] = newBuffer(graph.value(root).shape(), graph.type(root), "value " + graph.value(root));
        buffers.get(valueBuffer[root]).touch(step);
    }

    private void planActivations() {
        for (Node n : graph.nodes()) {
            touchValue(n.output.id(), timeline.forward(n.index()));
            for (int in : n.inputs) touchValue(in, timeline.forward(n.index()));
        }
        for (Node n : graph.nodes()) {
            if (!flow.runsBackward(n)) continue;
            int b = timeline.backward(n.index());
            for (int i = 0; i < n.inputs.length; i++) if (n.readsInputInBackward(i)) touchValue(n.inputs[i], b);
            if (n.readsOutputInBackward()) touchValue(n.output.id(), b);
        }
        // outputs stay valid to the end of the run, so callers can read the logits after forwardBackward (accuracy)
        int outputsNeededUntil = timeline.withBackward() ? timeline.steps() - 1 : timeline.lastForward();
        for (Value v : graph.outputs()) {
            touchValue(v.id(), outputsNeededUntil);
            int root = graph.root(v.id());
            if (valueBuffer[root] >= 0) buffers.get(valueBuffer[root]).output = true;
        }
    }

    // ---- gradients ----------------------------------------------------------------------------------------------

    /** Node n's gradient for input i is a view of its output's gradient (or the reverse): nothing to write. */
    public boolean aliasedContribution(Node n, int i) {
        Alias in = graph.gradientAliasOf(n.inputs[i]), out = graph.gradientAliasOf(n.output.id());
        return (in != null && in.parent() == n.output.id()) || (out != null && out.parent() == n.inputs[i]);
    }

    private int gradRoot(int value) {
        int root = graph.gradientRoot(value);
        if (gradBuffer[root] < 0) gradBuffer[root] = newBuffer(graph.value(root).shape(), graph.type(root), "gradient of " + graph.value(root));
        return root;
    }

    /** Records one gradient write at {@code step} and returns the beta it must use. */
    private float write(int value, int step, boolean[] initialised) {
        int root = gradRoot(value);
        buffers.get(gradBuffer[root]).touch(step);
        if (initialised[root]) return 1f;
        initialised[root] = true;
        if (graph.gradientCoversRoot(value)) return 0f;
        zeroFillAt.get(step).add(gradBuffer[root]); // a partial first write: the rest must read as zero
        return 1f;
    }

    private void planGradients() {
        boolean[] initialised = new boolean[graph.valueCount()];
        List<Value> outputs = graph.outputs();
        for (int j = 0; j < outputs.size(); j++) {
            if (flow.hasGrad(outputs.get(j).id())) lossBeta[j] = write(outputs.get(j).id(), timeline.loss(), initialised);
        }
        for (int k = graph.nodes().size() - 1; k >= 0; k--) {
            Node n = graph.nodes().get(k);
            writesGrad[k] = new boolean[n.inputs.length];
            gradBeta[k] = new float[n.inputs.length];
            if (!flow.runsBackward(n)) continue;
            int b = timeline.backward(k);
            buffers.get(gradBuffer[gradRoot(n.output.id())]).touch(b); // reads dy
            for (int i = 0; i < n.inputs.length; i++) {
                if (!flow.contributes(n, i) || aliasedContribution(n, i)) continue;
                writesGrad[k][i] = true;
                gradBeta[k][i] = write(n.inputs[i], b, initialised);
            }
        }
    }

    private void planLossScratch() {
        List<Value> outputs = graph.outputs();
        for (int j = 0; j < outputs.size(); j++) {
            Value v = outputs.get(j);
            if (!flow.hasGrad(v.id())) continue;
            lossScratch[j] = newBuffer(v.shape(), OperandType.DEFAULT, "float32 loss gradient of " + v);
            buffers.get(lossScratch[j]).touch(timeline.loss());
        }
    }

    /** First writer of a parameter's gradient (in backward order) overwrites, later ones (shared modules) accumulate. */
    private void planParameterGradients() {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int k = graph.nodes().size() - 1; k >= 0; k--) {
            Node n = graph.nodes().get(k);
            List<Parameter> params = n.parameters();
            paramBeta[k] = new float[params.size()];
            if (!flow.runsBackward(n)) continue;
            for (int j = 0; j < params.size(); j++) {
                Parameter p = params.get(j);
                if (p.trainable()) paramBeta[k][j] = seen.add(p) ? 0f : 1f;
            }
        }
    }

    // ---- scratch ------------------------------------------------------------------------------------------------

    private void planScratch() {
        for (Node n : graph.nodes()) {
            int k = n.index();
            boolean backward = flow.runsBackward(n);
            List<Node.AuxBuffer> aux = n.auxBuffers(flow.runsBackward(n));
            auxBuffer[k] = new int[aux.size()];
            for (int j = 0; j < aux.size(); j++) {
                Node.AuxBuffer a = aux.get(j);
                Node.AuxBuffer.Lifetime life = a.lifetime();
                if (life == Node.AuxBuffer.Lifetime.BACKWARD && !backward) {
                    auxBuffer[k][j] = -1;
                    continue;
                }
                int id = newBuffer(a.shape(), OperandType.DEFAULT, "scratch " + j + " of " + n);
                auxBuffer[k][j] = id;
                Planned p = buffers.get(id);
                if (life != Node.AuxBuffer.Lifetime.BACKWARD) p.touch(timeline.forward(k));
                if (life != Node.AuxBuffer.Lifetime.FORWARD && backward) p.touch(timeline.backward(k));
            }
            tempBuffer[k] = filled(n.inputs.length);
            if (!backward) continue;
            for (int i = 0; i < n.inputs.length; i++) {
                boolean accumulateViaTemp = writesGrad[k][i] && !n.accumulatesInputGrad(i) && gradBeta[k][i] != 0f;
                boolean discardedDx = !writesGrad[k][i] && n.mustWriteInputGrad(i);
                if (accumulateViaTemp || discardedDx) {
                    tempBuffer[k][i] = newBuffer(graph.value(n.inputs[i]).shape(), graph.type(n.inputs[i]), "gradient scratch " + i + " of " + n);
                    buffers.get(tempBuffer[k][i]).touch(timeline.backward(k));
                }
            }
        }
    }
}
