package dev.jdnn.networks;

import dev.jdnn.memory.Shape;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A building block of a network, in the style of torch.nn.Module: it owns named parameters, buffers and child
 * modules, and describes its computation by {@link #forward(Tracer, Value)}, which the graph layer traces once into
 * a static graph. Names compose with dots exactly like PyTorch's state_dict keys ({@code layer1.0.conv1.weight}).
 * (Called Layer, as in Keras and DL4J, so that {@code import dev.jdnn.networks.*} does not clash with
 * {@code java.lang.Module}; the methods keep PyTorch's names: children, namedModules, module(path).)
 */
public abstract class Layer {
    private final Map<String, Layer> children = new LinkedHashMap<>();
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Parameter> buffers = new LinkedHashMap<>();
    /** Children replaced by {@link #replace}, original to replacement (by identity). */
    private final Map<Layer, Layer> replaced = new IdentityHashMap<>();
    private boolean frozen;

    /** Describes this module's computation on a symbolic input; called while tracing, never per step. */
    public abstract Value forward(Tracer t, Value x);

    // ---- construction ------------------------------------------------------------------------------------------

    protected final <M extends Layer> M register(String name, M module) {
        checkName(name);
        if (module == null) throw new IllegalArgumentException("module '" + name + "' is null");
        children.put(name, module);
        return module;
    }

    protected final Parameter parameter(String name, Shape shape, Init init) {
        checkName(name);
        Parameter p = new Parameter(name, shape, Parameter.Kind.PARAMETER, init);
        parameters.put(name, p);
        return p;
    }

    protected final Parameter buffer(String name, Shape shape, Init init) {
        checkName(name);
        Parameter p = new Parameter(name, shape, Parameter.Kind.BUFFER, init);
        buffers.put(name, p);
        return p;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("bad member name '" + name + "'");
        if (children.containsKey(name) || parameters.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has a member named '" + name + "'");
        }
    }

    // ---- introspection -----------------------------------------------------------------------------------------

    public final Map<String, Layer> children() {
        return Collections.unmodifiableMap(children);
    }

    /** This module's own parameters (not its children's), by local name. */
    public final Map<String, Parameter> ownParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    public final Map<String, Parameter> ownBuffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** Parameters and buffers with full dotted names, in PyTorch's state_dict order. */
    public final Map<String, Parameter> stateDict() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, true);
        return out;
    }

    /** Trainable-kind parameters (no buffers) with full dotted names, in PyTorch's parameters() order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out, false);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out, boolean withBuffers) {
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        if (withBuffers) buffers.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, m) -> m.collect(prefix + n + ".", out, withBuffers));
    }

    /** All modules below and including this one, by dotted path ("" for this one). */
    public final Map<String, Layer> namedModules() {
        Map<String, Layer> out = new LinkedHashMap<>();
        walk("", out);
        return out;
    }

    private void walk(String path, Map<String, Layer> out) {
        out.put(path, this);
        children.forEach((n, m) -> m.walk(path.isEmpty() ? n : path + "." + n, out));
    }

    /** Number of parameter elements (buffers excluded), as {@code sum(p.numel() for p in model.parameters())}. */
    public final long parameterCount() {
        return namedParameters().values().stream().mapToLong(Parameter::numel).sum();
    }

    /** The sub-module at a dotted path, e.g. {@code "layer4.1"} or {@code "fc"}. */
    public final Layer module(String path) {
        Layer m = this;
        if (path.isEmpty()) return m;
        for (String part : path.split("\\.")) {
            Layer next = m.children.get(part);
            if (next == null) throw new IllegalArgumentException("no module '" + part + "' in path '" + path + "'; children here: " + m.children.keySet());
            m = next;
        }
        return m;
    }

    /**
     * Replaces the sub-module at a dotted path (e.g. a new classifier head) — before compiling. The parent's
     * {@link #forward} keeps naming the original (zoo models call children through fields); tracing runs the
     * replacement in its place ({@link #current}).
     */
    public final void replace(String path, Layer replacement) {
        if (replacement == null) throw new IllegalArgumentException("replacement for '" + path + "' is null");
        int dot = path.lastIndexOf('.');
        Layer parent = dot < 0 ? this : module(path.substring(0, dot));
        String name = path.substring(dot + 1);
        Layer old = parent.children.get(name);
        if (old == null) throw new IllegalArgumentException("no module at '" + path + "' to replace");
        parent.children.put(name, replacement);
        parent.replaced.put(old, replacement);
        parent.replaced.replaceAll((original, now) -> now == old ? replacement : now); // replaced twice: the latest wins
    }

    /** The child a tracer runs when this module's forward calls {@code child}: the child, or what replaced it. */
    public final Layer current(Layer child) {
        return replaced.getOrDefault(child, child);
    }

    // ---- freezing ----------------------------------------------------------------------------------------------

    /** Freezes this module and everything below it: no gradients, no optimizer state; BN stays in eval mode. */
    public final Layer freeze() {
        setFrozen(true);
        return this;
    }

    public final Layer unfreeze() {
        setFrozen(false);
        return this;
    }

    private void setFrozen(boolean f) {
        frozen = f;
        parameters.values().forEach(p -> p.setTrainable(!f));
        children.values().forEach(c -> c.setFrozen(f));
    }

    public final boolean isFrozen() {
        return frozen;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
