package dev.jdnn.networks.parity;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Dropout;
import dev.jdnn.networks.layers.Identity;
import dev.jdnn.ops.Activation;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a model's training graph deterministic, as the fixture script does in PyTorch (dropout p = 0, stochastic
 * depth p = 0), without touching the zoo: every composite module (one with children) is re-wrapped in a module that
 * holds the same children under the same names — so state_dict keys and order do not change — with each Dropout
 * child replaced by Identity, and that traces the original's forward through a tracer on which stochastic depth is
 * the identity.
 *
 * <p>Why wrap rather than swap children in place: zoo modules call children through fields
 * ({@code t.call(dropout, x)}), so a swapped child would no longer be the one called. The wrapper's tracer maps each
 * child the original calls to whatever the wrapper registered under that child's name.
 */
final class WithoutRandomness extends Layer {
    private final Layer original;
    /** The original's children by identity → their names, captured before any descendant is replaced. */
    private final Map<Layer, String> names = new IdentityHashMap<>();

    private WithoutRandomness(Layer original) {
        if (!original.ownParameters().isEmpty() || !original.ownBuffers().isEmpty()) {
            throw new IllegalArgumentException(original + " has both children and its own parameters " + original.ownParameters().keySet()
                    + "; it cannot be re-wrapped without changing the state_dict");
        }
        this.original = original;
        original.children().forEach((name, child) -> {
            names.put(child, name);
            register(name, child instanceof Dropout ? new Identity() : of(child));
        });
    }

    /** The deterministic equivalent of {@code model} (which it shares parameters and leaves with); composites wrapped recursively. */
    static Layer of(Layer model) {
        return model.children().isEmpty() ? model : new WithoutRandomness(model);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return original.forward(new Deterministic(t), x);
    }

    @Override
    public String toString() {
        return original.toString();
    }

    /** Routes the original's calls to this wrapper's children; dropout and stochastic depth off. */
    private final class Deterministic implements Tracer {
        private final Tracer t;

        Deterministic(Tracer t) {
            this.t = t;
        }

        @Override public boolean training() { return t.training(); }

        @Override
        public Value call(Layer child, Value x) {
            String name = names.get(child);
            return t.call(name == null ? child : children().get(name), x);
        }

        @Override
        public Value conv2d(Value x, Parameter weight, Parameter bias, int stride, int padding, int dilation, int groups) {
            return t.conv2d(x, weight, bias, stride, padding, dilation, groups);
        }

        @Override public Value linear(Value x, Parameter weight, Parameter bias) { return t.linear(x, weight, bias); }

        @Override
        public Value batchNorm2d(Value x, Parameter weight, Parameter bias, Parameter mean, Parameter var, double eps, double momentum, boolean batchStatistics) {
            return t.batchNorm2d(x, weight, bias, mean, var, eps, momentum, batchStatistics);
        }

        @Override public Value activation(Value x, Activation kind, float param) { return t.activation(x, kind, param); }
        @Override public Value maxPool2d(Value x, int k, int s, int p, boolean ceil) { return t.maxPool2d(x, k, s, p, ceil); }
        @Override public Value avgPool2d(Value x, int k, int s, int p, boolean ceil, boolean includePad) { return t.avgPool2d(x, k, s, p, ceil, includePad); }
        @Override public Value adaptiveAvgPool2d(Value x, int outH, int outW) { return t.adaptiveAvgPool2d(x, outH, outW); }
        @Override public Value localResponseNorm(Value x, int size, double alpha, double beta, double k) { return t.localResponseNorm(x, size, alpha, beta, k); }
        @Override public Value dropout(Value x, float p) { return x; }
        @Override public Value add(Value a, Value b) { return t.add(a, b); }
        @Override public Value concat(List<Value> parts) { return t.concat(parts); }
        @Override public Value narrowChannels(Value x, int start, int length) { return t.narrowChannels(x, start, length); }
        @Override public Value channelShuffle(Value x, int groups) { return t.channelShuffle(x, groups); }
        @Override public Value scaleChannels(Value x, Value gate) { return t.scaleChannels(x, gate); }
        @Override public Value flatten(Value x) { return t.flatten(x); }
        @Override public Value shortcutPadChannels(Value x, int stride, int outChannels) { return t.shortcutPadChannels(x, stride, outChannels); }
        @Override public Value stochasticDepth(Value x, float p) { return x; }
        @Override public void auxiliaryOutput(Value logits, float lossWeight) { t.auxiliaryOutput(logits, lossWeight); }
    }
}
