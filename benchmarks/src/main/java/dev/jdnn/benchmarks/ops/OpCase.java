package dev.jdnn.benchmarks.ops;

import dev.jdnn.memory.Shape;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.PoolSpec;

import java.util.Arrays;
import java.util.List;

/**
 * The layer shapes the op benchmarks run, taken from real networks (ResNet-50 at 224x224, MobileNetV2), and the
 * work each pass does: FLOPs for convolutions and the FC layer (one multiply-add = 2 FLOPs), compulsory memory
 * traffic (each operand read or written once) for the memory-bound ops. The runner divides these by the measured time.
 */
public enum OpCase {
    RN50_CONV1(Kind.CONV, 3, 224, 64, 7, 2, 3, 1),
    RN50_S1_3X3(Kind.CONV, 64, 56, 64, 3, 1, 1, 1),
    RN50_S1_1X1(Kind.CONV, 256, 56, 64, 1, 1, 0, 1),
    RN50_S2_3X3(Kind.CONV, 128, 28, 128, 3, 1, 1, 1),
    RN50_S2_1X1(Kind.CONV, 512, 28, 128, 1, 1, 0, 1),
    RN50_S3_3X3(Kind.CONV, 256, 14, 256, 3, 1, 1, 1),
    RN50_S3_1X1(Kind.CONV, 1024, 14, 256, 1, 1, 0, 1),
    RN50_S4_3X3(Kind.CONV, 512, 7, 512, 3, 1, 1, 1),
    RN50_S4_1X1(Kind.CONV, 2048, 7, 512, 1, 1, 0, 1),
    /** MobileNetV2's expanded 144-channel depthwise 3x3 at 56x56, stride 1. */
    MBV2_DW3X3(Kind.CONV, 144, 56, 144, 3, 1, 1, 144),
    /** Batch norm after ResNet-50's conv1: 64 channels at 112x112. */
    RN50_BN1(Kind.BATCH_NORM, 64, 112, 64, 0, 0, 0, 0),
    /** ResNet-50's stem max-pool, 3x3 stride 2 pad 1 at 112x112. */
    RN50_MAXPOOL(Kind.MAX_POOL, 64, 112, 64, 3, 2, 1, 0),
    /** ResNet-50's classifier 2048 -> 1000. */
    RN50_FC(Kind.LINEAR, 2048, 1, 1000, 0, 0, 0, 0),
    /** Softmax cross-entropy over 1000 classes. */
    SOFTMAX_CE_1000(Kind.SOFTMAX_CE, 1000, 1, 1000, 0, 0, 0, 0);

    public enum Kind { CONV, BATCH_NORM, MAX_POOL, LINEAR, SOFTMAX_CE }

    /** Whether the useful rate is FLOP/s (compared with the GEMM ceiling) or bytes/s (compared with copy bandwidth). */
    public enum Bound { COMPUTE, MEMORY }

    private final Kind kind;
    private final int inChannels, size, outChannels, kernel, stride, pad, groups;

    OpCase(Kind kind, int inChannels, int size, int outChannels, int kernel, int stride, int pad, int groups) {
        this.kind = kind;
        this.inChannels = inChannels;
        this.size = size;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.pad = pad;
        this.groups = groups;
    }

    public Kind kind() { return kind; }

    public Bound bound() {
        return kind == Kind.CONV || kind == Kind.LINEAR ? Bound.COMPUTE : Bound.MEMORY;
    }

    /** The case for a JMH parameter value (the enum name, case-insensitive); lists the valid names otherwise. */
    public static OpCase parse(String name) {
        for (OpCase c : values()) if (c.name().equalsIgnoreCase(name)) return c;
        throw new IllegalArgumentException("unknown op case '" + name + "'; valid: " + Arrays.toString(values()));
    }

    /** The input of the op at this batch, NCHW (or [N, features] for the FC layer and the loss). */
    public Shape inputShape(int batch) {
        return switch (kind) {
            case LINEAR, SOFTMAX_CE -> Shape.of(batch, inChannels);
            default -> Shape.of(batch, inChannels, size, size);
        };
    }

    public Conv2dSpec convSpec(int batch) {
        require(Kind.CONV);
        return Conv2dSpec.of(inputShape(batch), outChannels, kernel, stride, pad, 1, groups, false);
    }

    public PoolSpec poolSpec(int batch) {
        require(Kind.MAX_POOL);
        return PoolSpec.max(inputShape(batch), kernel, stride, pad, false);
    }

    public int inFeatures() { return inChannels; }
    public int outFeatures() { return outChannels; }

    /**
     * Useful work of one pass at this batch: FLOPs for compute-bound ops, bytes for memory-bound ones. Backward of a
     * convolution or the FC layer is data + weight gradients (twice the forward FLOPs).
     */
    public double work(int batch, boolean backward) {
        long n = inputShape(batch).numel();
        return switch (kind) {
            case CONV -> 2.0 * convSpec(batch).macs() * (backward ? 2 : 1);
            case LINEAR -> 2.0 * batch * inChannels * outChannels * (backward ? 2 : 1);
            // forward reads x, writes y; backward reads x and dy, writes dx
            case BATCH_NORM -> 4.0 * n * (backward ? 3 : 2);
            // the loss alone reads the logits; with the gradient it also writes dLogits
            case SOFTMAX_CE -> 4.0 * n * (backward ? 2 : 1);
            // forward reads x, writes y (a quarter of x); backward reads x, y, dy, writes dx
            case MAX_POOL -> {
                long out = poolSpec(batch).outputShape().numel();
                yield 4.0 * (backward ? 2 * n + 2 * out : n + out);
            }
        };
    }

    /** The unit of {@link #work}: "FLOP" or "B". */
    public String workUnit() {
        return bound() == Bound.COMPUTE ? "FLOP" : "B";
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }

    private void require(Kind k) {
        if (kind != k) throw new IllegalStateException(this + " is a " + kind + ", not a " + k);
    }
}
