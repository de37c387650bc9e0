package dev.jdnn.networks.parity;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.layers.Dropout;
import dev.jdnn.networks.layers.Identity;

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
 * <p>Why wrap rather than just {@link Layer#replace}: zoo modules call children through fields
 * ({@code t.call(dropout, x)}), so a replaced child would no longer be registered. The wrapper's tracer maps each
 * child the original calls to whatever is now registered under that child's name.
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
            register(name, child instanceof Dropout ? new Identity() : child);
        });
    }

    /** The deterministic equivalent of {@code model} (which it shares parameters and leaves with). */
    static Layer of(Layer model) {
        if (model.children().isEmpty()) return model;
        Layer root = new WithoutRandomness(model);
        // Pre-order (parents first): a parent's wrapper captures its original children before they are replaced.
        List<String> composites = model.namedModules().entrySet().stream()
                .filter(e -> !e.getKey().isEmpty() && !e.getValue().children().isEmpty())
                .map(Map.Entry::getKey).toList();
        for (String path : composites) root.replace(path, new WithoutRandomness(root.module(path)));
        return root;
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return original.forward(new Deterministic(t), x);
    }

    @Override
    public String toString() {
        return original.toString();
    }

    /** Routes the original's calls to this wrapper's children; stochastic depth off. */
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
