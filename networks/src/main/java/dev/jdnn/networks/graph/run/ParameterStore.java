package dev.jdnn.networks.graph.run;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.ops.Backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A model's parameter storage on a backend: every trainable value in one flat tensor and its gradient in another
 * (same order, so an optimizer can update all of them with one fused call), frozen parameters and buffers in a
 * third. Each {@link Parameter} is bound to views of these. Values are initialised from their {@code Init} in
 * state_dict order with one generator seeded by the model seed; gradients start at zero (a parameter whose node
 * never runs a backward keeps a zero gradient).
 */
public final class ParameterStore implements AutoCloseable {
    private final Map<String, Parameter> stateDict;
    private final Map<String, Parameter> trainable = new LinkedHashMap<>();
    private final Tensor values, grads, others;
    private final long trainableCount, otherCount;

    public ParameterStore(Layer model, Backend backend, long seed) {
        stateDict = Collections.unmodifiableMap(model.stateDict());
        List<Parameter> unique = unique(stateDict);
        long t = 0, o = 0;
        for (Parameter p : unique) {
            if (p.trainable()) t += p.numel();
            else o += p.numel();
        }
        trainableCount = t;
        otherCount = o;
        values = backend.allocate(Shape.of(Math.toIntExact(Math.max(1, t))));
        grads = backend.zeros(Shape.of(Math.toIntExact(Math.max(1, t))));
        others = backend.allocate(Shape.of(Math.toIntExact(Math.max(1, o))));
        long to = 0, oo = 0;
        for (Parameter p : unique) {
            if (p.trainable()) {
                p.bindValue(view(values, to, p.shape()));
                p.bindGrad(view(grads, to, p.shape()));
                to += p.numel();
            } else {
                p.bindValue(view(others, oo, p.shape()));
                p.bindGrad(null);
                oo += p.numel();
            }
        }
        stateDict.forEach((name, p) -> {
            if (p.trainable()) trainable.put(name, p);
        });
        initialise(unique, backend, seed);
    }

    /** Each parameter once, in state_dict order (a module used in two places appears under two names). */
    private static List<Parameter> unique(Map<String, Parameter> stateDict) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : stateDict.values()) if (seen.add(p)) out.add(p);
        return out;
    }

    private static Tensor view(Tensor flat, long offset, Shape shape) {
        return flat.narrow(0, Math.toIntExact(offset), Math.toIntExact(shape.numel())).reshape(shape);
    }

    private static void initialise(List<Parameter> params, Backend backend, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : params) {
            float[] v = new float[Math.toIntExact(p.numel())];
            if (p.init() == null) throw new IllegalStateException("parameter '" + p.localName() + "' " + p.shape() + " has no initialiser");
            p.init().fill(v, p.shape(), rng);
            backend.upload(v, p.value());
        }
    }

    public Map<String, Parameter> stateDict() {
        return stateDict;
    }

    public Map<String, Parameter> trainable() {
        return Collections.unmodifiableMap(trainable);
    }

    public Tensor flatValues() {
        return values.narrow(0, 0, Math.toIntExact(trainableCount));
    }

    public Tensor flatGradients() {
        return grads.narrow(0, 0, Math.toIntExact(trainableCount));
    }

    /** Bytes of trainable values, their gradients, and frozen parameters plus buffers. */
    public long bytes() {
        return (2 * trainableCount + otherCount) * 4;
    }

    @Override
    public void close() {
        values.close();
        grads.close();
        others.close();
    }
}
