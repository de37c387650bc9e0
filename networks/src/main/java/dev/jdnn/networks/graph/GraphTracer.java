package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.BatchNorm2d;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Dropout;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.LocalResponseNorm;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.ops.Activation;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Records a module's forward into a {@link Graph}: one node per leaf layer and per structural op, with shapes
 * inferred and validated as it goes. Every error names the module path being traced (e.g. {@code layer2.0.conv1})
 * and the shapes involved. Leaf layers reach it through {@code Layers.trace}, which calls {@link #leaf}.
 */
public final class GraphTracer implements Tracer {
    private record Frame(Layer module, String path) {}

    private final Graph graph;
    private final Deque<Frame> stack = new ArrayDeque<>();

    private GraphTracer(Graph graph, Layer root) {
        this.graph = graph;
        stack.push(new Frame(root, ""));
    }

    /** Traces {@code model} on an input of {@code inputShape} into a new graph for the given mode. */
    static Graph trace(Layer model, Shape inputShape, boolean training) {
        Graph g = new Graph(training, inputShape);
        GraphTracer t = new GraphTracer(g, model);
        Value out = model.forward(t, g.input);
        if (!g.owns(out)) throw new IllegalArgumentException(model + ".forward returned " + out + ", which is not a value of this trace");
        if (out.shape().rank() != 2) {
            throw new IllegalArgumentException(model + " must end in [N, classes] logits, but its output has shape " + out.shape()
                    + " (add a flatten before the classifier?)");
        }
        g.output = out;
        return g;
    }

    Graph graph() {
        return graph;
    }

    /** The dotted path of the module being traced ("" for the root). */
    String path() {
        return stack.peek().path();
    }

    /** An exception naming the module path and its class. */
    IllegalArgumentException error(String message) {
        Frame f = stack.peek();
        String where = f.path().isEmpty() ? "<root>" : f.path();
        return new IllegalArgumentException(where + " (" + f.module().getClass().getSimpleName() + "): " + message);
    }

    Value check(Value v) {
        if (!graph.owns(v)) throw error("value " + v + " does not belong to this trace");
        return v;
    }

    <N extends Node> N add(N node) {
        return graph.add(node);
    }

    Value newValue(Shape shape) {
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

    /** Records a leaf layer (Conv2d, BatchNorm2d, Linear, Act, Pool2d, Dropout, LocalResponseNorm) applied to x. */
    public Value leaf(Layer layer, Value x) {
        check(x);
        return switch (layer) {
            case Conv2d c -> ConvNode.trace(this, c, x);
            case BatchNorm2d b -> BatchNormNode.trace(this, b, x);
            case Linear l -> LinearNode.trace(this, l, contiguous(x));
            case Act a -> a.kind == Activation.IDENTITY ? x : ActivationNode.trace(this, a, x);
            case Pool2d p -> PoolNode.trace(this, p, x);
            case LocalResponseNorm n -> LrnNode.trace(this, n, x);
            case Dropout d -> graph.training && d.p > 0 ? DropoutNode.trace(this, d, x) : x;
            default -> throw error("no graph operation for leaf layer " + layer.getClass().getName());
        };
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

    @Override
    public Value narrowChannels(Value x, int start, int length) {
        return NarrowNode.trace(this, check(x), start, length);
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
        return FlattenNode.trace(this, contiguous(x));
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
