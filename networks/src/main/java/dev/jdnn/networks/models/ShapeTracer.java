package dev.jdnn.networks.models;

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
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.PoolSpec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A backend-free {@link Tracer} that only infers shapes and counts multiply-accumulates (conv and linear layers, the
 * convention of torchvision's "GFLOPS" column). It walks a model exactly as the graph layer's tracer would, so it
 * validates a zoo model's wiring (channel counts, spatial sizes, branch joins) without allocating anything.
 * Leaf layers are handled here rather than through their forward (which hands them to the graph layer).
 * Shape errors name the module path where they happened.
 */
public final class ShapeTracer implements Tracer {
    /** What one trace found: main output shape, auxiliary outputs, and multiply-accumulates for the whole batch. */
    public record Result(Shape output, List<Shape> auxiliaryOutputs, List<Float> auxiliaryWeights, long macs) {}

    private final boolean training;
    private final Deque<Layer> stack = new ArrayDeque<>();
    private final Deque<String> path = new ArrayDeque<>();
    private final List<Shape> auxShapes = new ArrayList<>();
    private final List<Float> auxWeights = new ArrayList<>();
    private int nextId;
    private long macs;

    private ShapeTracer(boolean training) {
        this.training = training;
    }

    /** Traces model on an input of the given NCHW shape, in the training or evaluation graph. */
    public static Result trace(Layer model, Shape input, boolean training) {
        ShapeTracer t = new ShapeTracer(training);
        t.stack.push(model);
        Value out = model.forward(t, t.value(input));
        return new Result(out.shape(), List.copyOf(t.auxShapes), List.copyOf(t.auxWeights), t.macs);
    }

    @Override
    public boolean training() {
        return training;
    }

    @Override
    public Value call(Layer child, Value x) {
        child = stack.peek().current(child);
        path.addLast(nameOf(child));
        stack.push(child);
        try {
            return switch (child) {
                case Conv2d c -> conv(c, x);
                case Linear l -> linear(l, x);
                case BatchNorm2d bn -> {
                    requireChannels(x, bn.channels, "BatchNorm2d");
                    yield value(x.shape());
                }
                case Act _ -> value(x.shape());
                case Dropout _ -> value(x.shape());
                case LocalResponseNorm n -> {
                    requireRank(x, 4, "LocalResponseNorm");
                    yield value(x.shape());
                }
                case Pool2d p -> pool(p, x);
                default -> child.forward(this, x);
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("at '")) throw e;
            throw new IllegalArgumentException("at '" + String.join(".", path) + "' (" + child + ", input " + x.shape() + "): " + e.getMessage(), e);
        } finally {
            stack.pop();
            path.removeLast();
        }
    }

    /** The child's registered name in the module now running (or its class name when it was not registered). */
    private String nameOf(Layer child) {
        for (Map.Entry<String, Layer> e : stack.peek().children().entrySet()) {
            if (e.getValue() == child) return e.getKey();
        }
        return child.toString();
    }

    private Value conv(Conv2d c, Value x) {
        requireChannels(x, c.inChannels, "Conv2d");
        Conv2dSpec spec = Conv2dSpec.of(x.shape(), c.outChannels, c.kernel, c.stride, c.padding, c.dilation, c.groups, c.bias != null);
        macs += spec.macs();
        return value(spec.outputShape());
    }

    private Value linear(Linear l, Value x) {
        requireRank(x, 2, "Linear");
        if (x.dim(1) != l.inFeatures) {
            throw new IllegalArgumentException("Linear expects " + l.inFeatures + " input features, got shape " + x.shape());
        }
        macs += (long) x.dim(0) * l.inFeatures * l.outFeatures;
        return value(Shape.of(x.dim(0), l.outFeatures));
    }

    private Value pool(Pool2d p, Value x) {
        requireRank(x, 4, "Pool2d");
        PoolSpec spec = switch (p.mode) {
            case MAX -> PoolSpec.max(x.shape(), p.kernel, p.stride, p.padding, p.ceilMode);
            case AVG_INCLUDE_PAD, AVG_EXCLUDE_PAD -> PoolSpec.avg(x.shape(), p.kernel, p.stride, p.padding, p.ceilMode, p.mode == PoolSpec.Mode.AVG_INCLUDE_PAD);
            case ADAPTIVE_AVG -> PoolSpec.adaptiveAvg(x.shape(), p.outH, p.outW);
        };
        return value(spec.outputShape());
    }

    @Override
    public Value add(Value a, Value b) {
        if (!a.shape().equals(b.shape())) throw new IllegalArgumentException(at() + "add of different shapes " + a.shape() + " and " + b.shape());
        return value(a.shape());
    }

    @Override
    public Value concat(List<Value> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException(at() + "concat of no values");
        Shape first = parts.getFirst().shape();
        int channels = 0;
        for (Value v : parts) {
            Shape s = v.shape();
            if (s.rank() != 4 || s.dim(0) != first.dim(0) || s.dim(2) != first.dim(2) || s.dim(3) != first.dim(3)) {
                throw new IllegalArgumentException(at() + "concat needs equal N, H, W: " + first + " vs " + s);
            }
            channels += s.dim(1);
        }
        return value(first.with(1, channels));
    }

    @Override
    public Value narrowChannels(Value x, int start, int length) {
        requireRank(x, 4, "narrowChannels");
        if (start < 0 || length < 1 || start + length > x.dim(1)) {
            throw new IllegalArgumentException(at() + "channels [" + start + ", " + (start + length) + ") out of range for " + x.shape());
        }
        return value(x.shape().with(1, length));
    }

    @Override
    public Value channelShuffle(Value x, int groups) {
        requireRank(x, 4, "channelShuffle");
        if (groups < 1 || x.dim(1) % groups != 0) throw new IllegalArgumentException(at() + "channelShuffle: " + groups + " groups do not divide " + x.shape());
        return value(x.shape());
    }

    @Override
    public Value scaleChannels(Value x, Value gate) {
        requireRank(x, 4, "scaleChannels");
        if (!gate.shape().equals(Shape.of(x.dim(0), x.dim(1), 1, 1))) {
            throw new IllegalArgumentException(at() + "scaleChannels: gate " + gate.shape() + " does not match " + x.shape());
        }
        return value(x.shape());
    }

    @Override
    public Value flatten(Value x) {
        return value(Shape.of(x.dim(0), (int) (x.shape().numel() / x.dim(0))));
    }

    @Override
    public Value shortcutPadChannels(Value x, int stride, int outChannels) {
        requireRank(x, 4, "shortcutPadChannels");
        if (outChannels < x.dim(1) || (outChannels - x.dim(1)) % 2 != 0) {
            throw new IllegalArgumentException(at() + "cannot pad " + x.shape() + " symmetrically to " + outChannels + " channels");
        }
        int h = (x.dim(2) + stride - 1) / stride, w = (x.dim(3) + stride - 1) / stride;
        return value(Shape.of(x.dim(0), outChannels, h, w));
    }

    @Override
    public Value stochasticDepth(Value x, float p) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException(at() + "stochastic depth probability must be in [0, 1), got " + p);
        return value(x.shape());
    }

    @Override
    public void auxiliaryOutput(Value logits, float lossWeight) {
        requireRank(logits, 2, "auxiliaryOutput");
        auxShapes.add(logits.shape());
        auxWeights.add(lossWeight);
    }

    private Value value(Shape s) {
        return new Value(nextId++, s);
    }

    private String at() {
        return "at '" + String.join(".", path) + "': ";
    }

    private static void requireRank(Value x, int rank, String what) {
        if (x.shape().rank() != rank) throw new IllegalArgumentException(what + " expects a rank-" + rank + " input, got " + x.shape());
    }

    private static void requireChannels(Value x, int channels, String what) {
        requireRank(x, 4, what);
        if (x.dim(1) != channels) throw new IllegalArgumentException(what + " expects " + channels + " channels, got " + x.shape());
    }
}
