package dev.jdnn.networks.graph.run;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
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
 *
 * <p>Layout: a parameter's view keeps its logical (torchvision) shape, so everything that reads or writes it by name
 * — state dicts, safetensors files, checkpoints — sees torchvision's values in torchvision's order. The weights of
 * convolutions planned for NHWC lie channels-last in their range of the flat buffer (KRSC: the OIHW-shaped view with
 * channels-last strides, as those plans want them), their gradients alike. The optimizer is elementwise over the
 * flat buffers, so it does not care.
 *
 * <p>Alignment: each parameter starts at a multiple of {@value #ALIGN_ELEMENTS} elements (128 bytes of float32, 64 of a
 * half-precision copy), as PyTorch's allocator gives every tensor at least 512: cuDNN's and cuBLAS's tensor-core
 * kernels want 16-byte-aligned operands, and packing parameters back to back left, e.g., 53 of efficientnet_b0's
 * bf16 convolution weights only 8-byte aligned. The padding between parameters is zero in every buffer and stays
 * zero under every optimizer rule (a zero value with a zero gradient and zero state is a fixed point), so an update
 * may run over it.
 *
 * <p>Half precision: with a copy dtype (bf16/fp16 compiles), two more flat buffers in that dtype mirror the values
 * and the frozen parameters element for element, each parameter bound to its view there
 * ({@link Parameter#computeValue()}, what convolutions and linear layers read); {@link #refreshCopies()} casts the
 * float32 masters into them, two ops in all.
 */
public final class ParameterStore implements AutoCloseable {
    /** Where each parameter starts in its flat buffers: a multiple of this many elements. */
    public static final int ALIGN_ELEMENTS = 32;

    private final Backend backend;
    private final Map<String, Parameter> stateDict;
    private final Map<String, Parameter> trainable = new LinkedHashMap<>();
    private final Tensor values, grads, others;
    private final Tensor valueCopies, otherCopies; // null in float32 compiles
    private final long trainableCount, otherCount;

    /**
     * @param channelsLast the parameters to lay out channels-last (the weights of convolutions planned for NHWC)
     * @param copyDtype    FLOAT32 for no copies, or the half-precision dtype of the weight copies
     */
    public ParameterStore(Layer model, Backend backend, long seed, Set<Parameter> channelsLast, DType copyDtype) {
        this.backend = backend;
        stateDict = Collections.unmodifiableMap(model.stateDict());
        List<Parameter> unique = unique(stateDict);
        long t = 0, o = 0;
        for (Parameter p : unique) {
            if (p.trainable()) t = aligned(t) + p.numel();
            else o = aligned(o) + p.numel();
        }
        trainableCount = aligned(t); // whole aligned blocks: an update runs over the last padding too
        otherCount = aligned(o);
        Shape trainableShape = Shape.of(Math.toIntExact(Math.max(1, trainableCount))), otherShape = Shape.of(Math.toIntExact(Math.max(1, otherCount)));
        values = backend.zeros(trainableShape); // zero: the padding between parameters
        grads = backend.zeros(trainableShape);
        others = backend.zeros(otherShape);
        boolean copies = copyDtype != DType.FLOAT32;
        valueCopies = copies ? backend.allocate(trainableShape, copyDtype) : null;
        otherCopies = copies ? backend.allocate(otherShape, copyDtype) : null;
        long to = 0, oo = 0;
        for (Parameter p : unique) {
            boolean nhwc = channelsLast.contains(p);
            if (p.trainable()) {
                to = aligned(to);
                p.bindValue(view(values, to, p.shape(), nhwc));
                p.bindGrad(view(grads, to, p.shape(), nhwc));
                p.bindComputeCopy(copies ? view(valueCopies, to, p.shape(), nhwc) : null);
                to += p.numel();
            } else {
                oo = aligned(oo);
                p.bindValue(view(others, oo, p.shape(), nhwc));
                p.bindGrad(null);
                p.bindComputeCopy(copies ? view(otherCopies, oo, p.shape(), nhwc) : null);
                oo += p.numel();
            }
        }
        stateDict.forEach((name, p) -> {
            if (p.trainable()) trainable.put(name, p);
        });
        initialise(unique, backend, seed);
    }

    private static long aligned(long offset) {
        return Math.ceilDiv(offset, ALIGN_ELEMENTS) * ALIGN_ELEMENTS;
    }

    /** Each parameter once, in state_dict order (a module used in two places appears under two names). */
    private static List<Parameter> unique(Map<String, Parameter> stateDict) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : stateDict.values()) if (seen.add(p)) out.add(p);
        return out;
    }

    /** The range [offset, offset + numel) of a flat buffer as a tensor of {@code shape}: row-major, or channels-last. */
    private static Tensor view(Tensor flat, long offset, Shape shape, boolean channelsLast) {
        Tensor range = flat.narrow(0, Math.toIntExact(offset), Math.toIntExact(shape.numel()));
        return channelsLast ? range.asStrided(shape, MemoryFormat.NHWC.allocationStrides(shape), 0) : range.reshape(shape);
    }

    private static void initialise(List<Parameter> params, Backend backend, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : params) {
            float[] v = new float[Math.toIntExact(p.numel())];
            if (p.init() == null) throw new IllegalStateException("parameter '" + p.localName() + "' " + p.shape() + " has no initialiser");
            p.init().fill(v, p.shape(), rng);
            backend.upload(v, p.value()); // in the logical order, whatever the view's strides
        }
    }

    /**
     * Casts the float32 master values into the half-precision copies (asynchronous and recordable; nothing to do in
     * a float32 compile). A compiled model issues it before every forward, so the copies are never stale — after an
     * optimizer step, a state-dict load or any other write into the values.
     */
    public void refreshCopies() {
        if (valueCopies == null) return;
        backend.cast(values, valueCopies);
        backend.cast(others, otherCopies);
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

    /** Bytes of trainable values, their gradients, frozen parameters plus buffers, and the half-precision copies of both. */
    public long bytes() {
        long copies = valueCopies == null ? 0 : (trainableCount + otherCount) * valueCopies.dtype().byteSize();
        return (2 * trainableCount + otherCount) * 4 + copies;
    }

    @Override
    public void close() {
        values.close();
        grads.close();
        others.close();
        if (valueCopies != null) valueCopies.close();
        if (otherCopies != null) otherCopies.close();
    }
}
