package dev.jdnn.networks.graph.trace;

import dev.jdnn.networks.graph.nodes.ActivationNode;
import dev.jdnn.networks.graph.nodes.CastNode;
import dev.jdnn.networks.graph.nodes.AddNode;
import dev.jdnn.networks.graph.nodes.BatchNormNode;
import dev.jdnn.networks.graph.nodes.ChannelShuffleNode;
import dev.jdnn.networks.graph.nodes.ConcatNode;
import dev.jdnn.networks.graph.nodes.ConvNode;
import dev.jdnn.networks.graph.nodes.CopyNode;
import dev.jdnn.networks.graph.nodes.DropoutNode;
import dev.jdnn.networks.graph.nodes.FlattenNode;
import dev.jdnn.networks.graph.nodes.LinearNode;
import dev.jdnn.networks.graph.nodes.LrnNode;
import dev.jdnn.networks.graph.nodes.NarrowNode;
import dev.jdnn.networks.graph.nodes.PoolNode;
import dev.jdnn.networks.graph.nodes.ScaleChannelsNode;
import dev.jdnn.networks.graph.nodes.ShortcutPadNode;
import dev.jdnn.networks.graph.nodes.StochasticDepthNode;
import dev.jdnn.networks.graph.nodes.TraceContext;

import dev.jdnn.networks.graph.nodes.Graph;
import dev.jdnn.networks.graph.nodes.Node;

import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.Parameter;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.PoolSpec;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The one {@link Tracer}: records a module's forward into a {@link Graph}, one node per leaf op and structural op,
 * with shapes inferred and validated as it goes by each node's trace factory. Every error names the module path
 * being traced (e.g. {@code layer2.0.conv1}) and the shapes involved. Needs no backend: {@link dev.jdnn.networks.graph.ModelTrace}
 * is a trace on its own (shapes, multiply-accumulates), {@link dev.jdnn.networks.graph.CompiledModel} traces, then
 * plans and binds.
 */
final class GraphTracer implements Tracer, TraceContext {
    private record Frame(Layer module, String path) {}

    private final Graph graph;
    private final Deque<Frame> stack = new ArrayDeque<>();

    private GraphTracer(Graph graph, Layer root) {
        this.graph = graph;
        stack.push(new Frame(root, ""));
    }

    /**
     * Traces {@code model} on an input of {@code inputShape} into a new graph for the given mode, its activations
     * stored as {@code activations} says: the float32 NCHW model input is then cast into them first.
     */
    static Graph trace(Layer model, Shape inputShape, boolean training, OperandType activations) {
        Graph g = new Graph(training, inputShape, activations);
        GraphTracer t = new GraphTracer(g, model);
        Value x = activations.equals(g.type(g.input.id())) ? g.input : CastNode.trace(t, g.input);
        Value out = model.forward(t, x);
        if (!g.owns(out)) throw new IllegalArgumentException(model + ".forward returned " + out + ", which is not a value of this trace");
        if (out.shape().rank() != 2) {
            throw new IllegalArgumentException(model + " must end in [N, classes] logits, but its output has shape " + out.shape()
                    + " (add a flatten before the classifier?)");
        }
        g.output = out;
        return g;
    }

    @Override
    public Graph graph() {
        return graph;
    }

    @Override
    public String path() {
        return stack.peek().path();
    }

    @Override
    public IllegalArgumentException error(String message) {
        Frame f = stack.peek();
        String where = f.path().isEmpty() ? "<root>" : f.path();
        return new IllegalArgumentException(where + " (" + f.module().getClass().getSimpleName() + "): " + message);
    }

    Value check(Value v) {
        if (!graph.owns(v)) throw error("value " + v + " does not belong to this trace");
        return v;
    }

    @Override
    public <N extends Node> N add(N node) {
        return graph.add(node);
    }

    @Override
    public Value newValue(Shape shape) {
        return graph.newValue(shape);
    }

    // ---- Tracer ---------------------------------------------------------------------------------------------------

    @Override
    public boolean training() {
        return graph.training;
    }

    @Override
    public Value call(Layer child, Value x) {
        check(x);
        Frame parent = stack.peek();
        child = parent.module().current(child);
        String name = childName(parent.module(), child);
        if (name == null) {
            throw error("called " + child + ", which is not a registered child of this module (register it so its parameters are in the state dict)");
        }
        String path = parent.path().isEmpty() ? name : parent.path() + "." + name;
        stack.push(new Frame(child, path));
        try {
            Value y = child.forward(this, x);
            if (!graph.owns(y)) throw error("forward returned " + y + ", which is not a value of this trace");
            return y;
        } finally {
            stack.pop();
        }
    }

    private static String childName(Layer parent, Layer child) {
        for (Map.Entry<String, Layer> e : parent.children().entrySet()) if (e.getValue() == child) return e.getKey();
        return null;
    }

    // ---- leaf ops: each node's trace factory holds the op's shape rules and errors -----------------------------------

    @Override
    public Value conv2d(Value x, Parameter weight, Parameter bias, int stride, int padding, int dilation, int groups) {
        return ConvNode.trace(this, check(x), weight, bias, stride, padding, dilation, groups);
    }

    @Override
    public Value linear(Value x, Parameter weight, Parameter bias) {
        return LinearNode.trace(this, contiguous(check(x)), weight, bias);
    }

    @Override
    public Value batchNorm2d(Value x, Parameter weight, Parameter bias, Parameter runningMean, Parameter runningVar,
                             double eps, double momentum, boolean batchStatistics) {
        if (batchStatistics && !graph.training) throw error("batch statistics are only used in the training graph");
        return BatchNormNode.trace(this, check(x), weight, bias, runningMean, runningVar, eps, momentum, batchStatistics);
    }

    @Override
    public Value activation(Value x, Activation kind, float param) {
        check(x);
        return kind == Activation.IDENTITY ? x : ActivationNode.trace(this, x, kind, param);
    }

    @Override
    public Value maxPool2d(Value x, int kernel, int stride, int padding, boolean ceilMode) {
        return PoolNode.trace(this, check(x), "maxPool2d", s -> PoolSpec.max(s, kernel, stride, padding, ceilMode));
    }

    @Override
    public Value avgPool2d(Value x, int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        return PoolNode.trace(this, check(x), "avgPool2d", s -> PoolSpec.avg(s, kernel, stride, padding, ceilMode, countIncludePad));
    }

    @Override
    public Value adaptiveAvgPool2d(Value x, int outH, int outW) {
        return PoolNode.trace(this, check(x), "adaptiveAvgPool2d", s -> PoolSpec.adaptiveAvg(s, outH, outW));
    }

    @Override
    public Value localResponseNorm(Value x, int size, double alpha, double beta, double k) {
        return LrnNode.trace(this, check(x), size, alpha, beta, k);
    }

    @Override
    public Value dropout(Value x, float p) {
        check(x);
        if (!(p >= 0 && p < 1)) throw error("dropout probability must be in [0, 1), got " + p);
        return graph.training && p > 0 ? DropoutNode.trace(this, x, p) : x;
    }

    /** x itself when its storage is contiguous, else a contiguous copy (ops on [N, F] need contiguous operands). */
    private Value contiguous(Value x) {
        return graph.isContiguous(x.id()) ? x : CopyNode.trace(this, x);
    }

    @Override
    public Value add(Value a, Value b) {
        return AddNode.trace(this, check(a), check(b));
    }

    @Override
    public Value concat(List<Value> parts) {
        if (parts == null || parts.isEmpty()) throw error("concat of no values");
        parts.forEach(this::check);
        return ConcatNode.trace(this, parts);
    }

    /**
     * A channel slice: a zero-copy view in NCHW (batch-strided, which cuDNN ran on the H200); in NHWC a dense copy of
     * that view, because a channel slice of a channels-last value is pixel-strided and cuDNN's NHWC kernels are only
     * known to take densely packed operands (PyTorch never hands them anything else). The same choice keeps NHWC
     * concatenation parts out of place ({@link InPlaceConcat}).
     */
    @Override
    public Value narrowChannels(Value x, int start, int length) {
        Value slice = NarrowNode.trace(this, check(x), start, length);
        boolean pixelStrided = graph.type(x.id()).format() == MemoryFormat.NHWC && length < x.shape().dim(1);
        return pixelStrided ? CopyNode.denseSlice(this, slice) : slice;
    }

    @Override
    public Value channelShuffle(Value x, int groups) {
        return ChannelShuffleNode.trace(this, check(x), groups);
    }

    @Override
    public Value scaleChannels(Value x, Value gate) {
        return ScaleChannelsNode.trace(this, check(x), check(gate));
    }

    @Override
    public Value flatten(Value x) {
        check(x);
        if (x.shape().rank() < 2) throw error("flatten expects a rank >= 2 input, got " + x.shape());
        if (x.shape().rank() == 2) return x;
        return FlattenNode.trace(this, rowMajor(x));
    }

    /**
     * x itself when its storage is dense in NCHW order, else a dense NCHW copy: the features a flatten hands to a
     * classifier are in NCHW order, as PyTorch's weights expect. Channels-last values with more than one pixel per
     * sample are converted (a "copy(nhwc->nchw)" node); with one pixel NHWC and NCHW are the same bytes.
     */
    private Value rowMajor(Value x) {
        Shape s = x.shape();
        boolean channelsLast = graph.type(x.id()).format() == MemoryFormat.NHWC && s.dim(2) * s.dim(3) > 1;
        return channelsLast ? CopyNode.toNchw(this, x) : contiguous(x);
    }

    @Override
    public Value shortcutPadChannels(Value x, int stride, int outChannels) {
        return ShortcutPadNode.trace(this, check(x), stride, outChannels);
    }

    @Override
    public Value stochasticDepth(Value x, float p) {
        check(x);
        if (p < 0 || p >= 1) throw error("stochastic depth probability must be in [0, 1), got " + p);
        return graph.training && p > 0 ? StochasticDepthNode.trace(this, x, p) : x;
    }

    @Override
    public void auxiliaryOutput(Value logits, float lossWeight) {
        check(logits);
        if (logits.shape().rank() != 2) throw error("auxiliary output must be [N, classes] logits, got " + logits.shape());
        if (!graph.training) return; // aux heads only feed the training loss
        if (!graph.isContiguous(logits.id())) logits = CopyNode.trace(this, logits);
        graph.addAuxOutput(logits, lossWeight);
    }
}
