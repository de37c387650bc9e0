package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryFormat;
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
        dtype(what, t, dtype);
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

    // ---- operands of a plan made for an OperandType ------------------------------------------------------------

    /**
     * An activation operand of a plan made for {@code type}: exactly {@code shape}, {@code type}'s dtype, lying in its
     * format — densely, or as a batch-strided (NCHW) / pixel-strided (NHWC) view. The message says which of those was
     * wrong: "conv2d input: expected shape [..], got [..]", "... expected a bfloat16 tensor, got float32[..] ...",
     * "... expected a channels-last (NHWC) tensor, densely packed or pixel-strided, got ... (strides ...), which is nchw".
     */
    public static Tensor activation(String what, Tensor t, Shape shape, OperandType type, Device device) {
        if (t == null) throw new IllegalArgumentException(what + ": tensor is null, expected a " + type.describe() + " tensor of shape " + shape);
        t.requireDevice(device, what);
        t.requireShape(shape, what);
        dtype(what, t, type.dtype());
        if (!type.format().holds(t)) {
            throw new IllegalArgumentException(what + ": expected " + layoutOf(type.format()) + ", got " + t.describe() + layoutNote(t, type.format()));
        }
        return t;
    }

    /** As {@link #activation}, for an operand whose dtype the op leaves open: float32 or {@code type}'s. */
    public static Tensor activationOrFloat(String what, Tensor t, Shape shape, OperandType type, Device device) {
        if (t != null && t.dtype() == DType.FLOAT32 && type.dtype() != DType.FLOAT32) {
            return activation(what, t, shape, OperandType.of(type.format(), DType.FLOAT32), device);
        }
        return activation(what, t, shape, type, device);
    }

    /**
     * A weight (copy) of a plan made for {@code type}: exactly {@code shape}, {@code type}'s dtype, densely packed in its
     * format (OIHW-contiguous for NCHW, channels-last KRSC for NHWC; contiguous for any other rank).
     */
    public static Tensor weight(String what, Tensor t, Shape shape, OperandType type, Device device) {
        return packed(what, t, shape, type, device);
    }

    /** A weight gradient: float32, densely packed in the weight's format. */
    public static Tensor weightGradient(String what, Tensor t, Shape shape, OperandType type, Device device) {
        return packed(what, t, shape, OperandType.of(type.format(), DType.FLOAT32), device);
    }

    private static Tensor packed(String what, Tensor t, Shape shape, OperandType type, Device device) {
        if (t == null) throw new IllegalArgumentException(what + ": tensor is null, expected a " + type.describe() + " tensor of shape " + shape);
        t.requireDevice(device, what);
        t.requireShape(shape, what);
        dtype(what, t, type.dtype());
        boolean channelsLast = type.format() == MemoryFormat.NHWC && shape.rank() == 4;
        if (channelsLast ? !MemoryFormat.NHWC.isLayoutOf(t) : !t.isContiguous()) {
            throw new IllegalArgumentException(what + ": expected a " + (channelsLast ? "densely packed channels-last (KRSC) tensor" : "contiguous tensor")
                    + ", got " + t.describe());
        }
        return t;
    }

    private static void dtype(String what, Tensor t, DType dtype) {
        if (t.dtype() != dtype) throw new IllegalArgumentException(what + ": expected a " + dtype.label() + " tensor, got " + t.describe());
    }

    private static String layoutOf(MemoryFormat format) {
        return format == MemoryFormat.NHWC ? "a channels-last (NHWC) tensor, densely packed or pixel-strided"
                : "a contiguous or batch-strided tensor (NCHW: all dimensions but the first contiguous)";
    }

    /** When the layout is wrong, says which layout the tensor has. */
    private static String layoutNote(Tensor t, MemoryFormat wanted) {
        MemoryFormat other = wanted == MemoryFormat.NCHW ? MemoryFormat.NHWC : MemoryFormat.NCHW;
        return other.holds(t) ? ", which is " + other.label() : "";
    }

    /**
     * Same-shaped floating-point operands (each float32, bfloat16 or float16), named by {@code names} in messages, that
     * share one memory format, on {@code device}; null ones are skipped. Returns the shared format: NCHW when every
     * operand holds it (batch-strided views allowed), else NHWC when every operand holds that (pixel-strided allowed).
     */
    public static MemoryFormat sameFormat(String op, Device device, String[] names, Tensor... operands) {
        Tensor first = null;
        String firstName = null;
        boolean nchw = true, nhwc = true;
        for (int i = 0; i < operands.length; i++) {
            Tensor t = operands[i];
            if (t == null) continue;
            String what = op + " " + names[i];
            t.requireDevice(device, what);
            if (first == null) {
                first = t;
                firstName = names[i];
            } else if (!t.shape().equals(first.shape())) {
                throw new IllegalArgumentException(op + ": " + names[i] + " must have the shape of " + firstName + " " + first.shape() + ", got " + t.shape());
            }
            if (!t.dtype().isFloatingPoint()) throw new IllegalArgumentException(what + ": expected a float32, bfloat16 or float16 tensor, got " + t.describe());
            nchw &= MemoryFormat.NCHW.holds(t);
            nhwc &= MemoryFormat.NHWC.holds(t);
        }
        if (first == null) throw new IllegalArgumentException(op + ": tensor is null");
        if (nchw) return MemoryFormat.NCHW;
        if (nhwc) return MemoryFormat.NHWC;
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < operands.length; i++) {
            if (operands[i] != null) got.append(got.isEmpty() ? "" : ", ").append(names[i]).append(" ").append(operands[i].describe());
        }
        throw new IllegalArgumentException(op + ": operands must share one memory format, each NCHW (batch-strided views allowed) "
                + "or each NHWC (pixel-strided views allowed), got " + got);
    }

    /** {@code b} must have {@code a}'s shape; the message names both operands. */
    public static void sameShape(String op, Tensor a, String nameA, Tensor b, String nameB) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": " + nameB + " must have the shape of " + nameA + " " + a.shape() + ", got " + b.shape());
        }
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

    /**
     * scaleBiasActivation's operands: x and y of one rank-4 shape in one format (any float dtypes, views allowed, as every
     * pointwise op's), scale and bias contiguous float32 [C], the activation IDENTITY or RELU. Returns the format.
     */
    public static MemoryFormat scaleBiasActivation(Device device, Tensor x, Tensor scale, Tensor bias, Activation activation, Tensor y) {
        if (activation != Activation.IDENTITY && activation != Activation.RELU) {
            throw new IllegalArgumentException("scaleBiasActivation applies IDENTITY or RELU, got " + activation);
        }
        if (y == null) throw new IllegalArgumentException("scaleBiasActivation y: tensor is null");
        MemoryFormat format = sameFormat("scaleBiasActivation", device, new String[]{"x", "y"}, x, y);
        if (x.rank() != 4) throw new IllegalArgumentException("scaleBiasActivation x: expected an NCHW-shaped (rank 4) tensor, got " + x.describe());
        contiguous("scaleBiasActivation scale", scale, Shape.of(x.dim(1)), device);
        contiguous("scaleBiasActivation bias", bias, Shape.of(x.dim(1)), device);
        return format;
    }

    /** The guard's operands: contiguous float32 values and a one-element float32 flag, both on {@code device}. */
    public static void finiteFlag(Device device, Tensor values, Tensor flag) {
        requireContiguous("finiteFlag values", floats("finiteFlag values", values, device));
        flag("finiteFlag", flag, device);
    }

    /** A loss scaler's state: a contiguous float32 tensor of {@link LossScaling#LENGTH} elements on {@code device}. */
    public static Tensor lossScaleState(String op, Tensor state, Device device) {
        floats(op + " state", state, device);
        if (!state.isContiguous() || state.numel() != LossScaling.LENGTH) {
            throw new IllegalArgumentException(op + ": the loss scaler state must be a contiguous tensor of " + LossScaling.LENGTH
                    + " floats [scale, goodSteps] (see LossScaling), got " + state.describe());
        }
        return state;
    }

    /** One float32 element on {@code device}: a finite flag. */
    public static Tensor flag(String op, Tensor flag, Device device) {
        floats(op + " flag", flag, device);
        if (flag.numel() != 1) throw new IllegalArgumentException(op + ": the flag must be one float, got " + flag.describe());
        return flag;
    }

    /** clipGradNorm's operands: contiguous float32 gradients, a one-element float32 norm, a positive max norm. */
    public static void clipGradNorm(Device device, Tensor grads, float maxNorm, Tensor norm) {
        requireContiguous("clipGradNorm grads", floats("clipGradNorm grads", grads, device));
        floats("clipGradNorm norm", norm, device);
        if (norm.numel() != 1) throw new IllegalArgumentException("clipGradNorm: the norm must be one float, got " + norm.describe());
        if (!(maxNorm > 0) || Float.isInfinite(maxNorm)) throw new IllegalArgumentException("clipGradNorm: max norm must be a positive finite number, got " + maxNorm);
    }
}
