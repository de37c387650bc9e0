package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

/**
 * The argument checks every backend makes, written once: each names the op and operand and says what was wrong
 * ("batchNorm x: expected shape [3, 5, 7, 9], got [3, 5, 7, 8]", "conv2d input: tensor is on cuda:0 but this backend
 * runs on cpu"). The backends call these with their own {@link Device}; only what is specific to one backend (host
 * memory views, cuDNN descriptors) is checked there.
 */
public final class Operands {
    private Operands() {}

    /** A float32 tensor on {@code device}, any layout. */
    public static Tensor floats(String what, Tensor t, Device device) {
        return typed(what, t, DType.FLOAT32, device);
    }

    /** A tensor of {@code dtype} on {@code device}, any shape and layout. */
    public static Tensor typed(String what, Tensor t, DType dtype, Device device) {
        if (t == null) throw new IllegalArgumentException(what + ": tensor is null");
        t.requireDevice(device, what);
        if (t.dtype() != dtype) throw new IllegalArgumentException(what + ": expected a " + dtype.name().toLowerCase() + " tensor, got " + t.describe());
        return t;
    }

    /** A float32 tensor of exactly {@code shape} on {@code device}, contiguous or batch-strided (NCHW operands). */
    public static Tensor batched(String what, Tensor t, Shape shape, Device device) {
        shaped(what, t, shape, device);
        if (!t.isBatchStrided()) {
            throw new IllegalArgumentException(what + ": expected a contiguous or batch-strided tensor (all dimensions but the first contiguous), got " + t.describe());
        }
        return t;
    }

    /** A contiguous float32 tensor of exactly {@code shape} on {@code device}. */
    public static Tensor contiguous(String what, Tensor t, Shape shape, Device device) {
        shaped(what, t, shape, device);
        return requireContiguous(what, t);
    }

    /** A float32 tensor of exactly {@code shape}, any layout; a missing tensor's message names the shape expected. */
    private static void shaped(String what, Tensor t, Shape shape, Device device) {
        if (t == null) throw new IllegalArgumentException(what + ": tensor is null, expected shape " + shape);
        floats(what, t, device).requireShape(shape, what);
    }

    public static Tensor requireContiguous(String what, Tensor t) {
        if (!t.isContiguous()) throw new IllegalArgumentException(what + ": expected a contiguous tensor, got " + t.describe());
        return t;
    }

    /** {@code b} must have {@code a}'s shape; the message names both operands. */
    public static void sameShape(String op, Tensor a, String nameA, Tensor b, String nameB) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": " + nameB + " must have the shape of " + nameA + " " + a.shape() + ", got " + b.shape());
        }
    }

    /** Float32 operands on {@code device} of {@code first}'s shape, each contiguous or batch-strided; null ones are skipped. */
    public static void sameShaped(String op, Device device, Tensor first, Tensor... others) {
        if (first == null) throw new IllegalArgumentException(op + ": tensor is null");
        batched(op, first, first.shape(), device);
        for (Tensor o : others) if (o != null) batched(op, o, first.shape(), device);
    }

    /**
     * The operands of an optimizer update: param, grad and each state tensor (null where the configuration needs
     * none; {@code names} says which are required) contiguous float32 of param's shape, and the step scalars a
     * contiguous float32 tensor of exactly {@link OptimizerScalars#length} elements.
     */
    public static void optimizerStep(String op, Device device, OptimizerConfig config, Tensor stepScalars, String[] names, boolean[] required, Tensor... operands) {
        Tensor param = operands[0];
        if (param == null) throw new IllegalArgumentException(op + " " + names[0] + ": tensor is null");
        for (int i = 0; i < operands.length; i++) {
            if (operands[i] == null) {
                if (required[i]) throw new IllegalArgumentException(op + " with " + config + " needs " + names[i] + ", got null");
                continue;
            }
            contiguous(op + " " + names[i], operands[i], param.shape(), device);
        }
        int length = OptimizerScalars.length(config);
        floats(op + " stepScalars", stepScalars, device);
        if (!stepScalars.isContiguous() || stepScalars.numel() != length) {
            throw new IllegalArgumentException(op + " stepScalars must be a contiguous tensor of " + length + " floats (see OptimizerScalars), got " + stepScalars.describe());
        }
    }

    /** The guard's operands: contiguous float32 values and a one-element float32 flag, both on {@code device}. */
    public static void finiteFlag(Device device, Tensor values, Tensor flag) {
        requireContiguous("finiteFlag values", floats("finiteFlag values", values, device));
        floats("finiteFlag flag", flag, device);
        if (flag.numel() != 1) throw new IllegalArgumentException("finiteFlag: the flag must be one float, got " + flag.describe());
    }

    /** clipGradNorm's operands: contiguous float32 gradients, a one-element float32 norm, a positive max norm. */
    public static void clipGradNorm(Device device, Tensor grads, float maxNorm, Tensor norm) {
        requireContiguous("clipGradNorm grads", floats("clipGradNorm grads", grads, device));
        floats("clipGradNorm norm", norm, device);
        if (norm.numel() != 1) throw new IllegalArgumentException("clipGradNorm: the norm must be one float, got " + norm.describe());
        if (!(maxNorm > 0) || Float.isInfinite(maxNorm)) throw new IllegalArgumentException("clipGradNorm: max norm must be a positive finite number, got " + maxNorm);
    }
}
