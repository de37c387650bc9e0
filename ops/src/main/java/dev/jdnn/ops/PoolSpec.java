package dev.jdnn.ops;

import dev.jdnn.memory.Shape;

/**
 * 2D pooling. {@link Mode#ADAPTIVE_AVG} ignores kernel/stride/pad and splits the input into outH x outW cells the way
 * PyTorch's AdaptiveAvgPool2d does (start = floor(i*H/outH), end = ceil((i+1)*H/outH)). Every operand is
 * {@code operands}; sums are accumulated in float32.
 */
public record PoolSpec(Mode mode, Shape input, int kernelH, int kernelW, int strideH, int strideW,
                       int padH, int padW, boolean ceilMode, int adaptiveOutH, int adaptiveOutW, OperandType operands) {
    public enum Mode { MAX, AVG_INCLUDE_PAD, AVG_EXCLUDE_PAD, ADAPTIVE_AVG }

    public PoolSpec {
        Specs.nchw("pool", input);
        Specs.operands("pool", input, operands);
        if (mode == Mode.ADAPTIVE_AVG) {
            Specs.positive("adaptive output height", adaptiveOutH);
            Specs.positive("adaptive output width", adaptiveOutW);
        } else {
            Specs.positive("kernelH", kernelH); Specs.positive("kernelW", kernelW);
            Specs.positive("strideH", strideH); Specs.positive("strideW", strideW);
            if (padH < 0 || padW < 0) throw new IllegalArgumentException("pool: negative padding");
            if (2 * padH > kernelH || 2 * padW > kernelW) {
                throw new IllegalArgumentException("pool: padding " + padH + "x" + padW + " must be at most half the kernel " + kernelH + "x" + kernelW);
            }
            if (kernelH > input.dim(2) + 2 * padH || kernelW > input.dim(3) + 2 * padW) {
                throw new IllegalArgumentException("pool: kernel " + kernelH + "x" + kernelW + " larger than padded input " + input);
            }
        }
    }

    /** Float32 NCHW operands. */
    public PoolSpec(Mode mode, Shape input, int kernelH, int kernelW, int strideH, int strideW,
                    int padH, int padW, boolean ceilMode, int adaptiveOutH, int adaptiveOutW) {
        this(mode, input, kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, adaptiveOutH, adaptiveOutW, OperandType.DEFAULT);
    }

    public PoolSpec with(OperandType newOperands) {
        return new PoolSpec(mode, input, kernelH, kernelW, strideH, strideW, padH, padW, ceilMode, adaptiveOutH, adaptiveOutW, newOperands);
    }

    public static PoolSpec max(Shape input, int kernel, int stride, int pad, boolean ceilMode) {
        return new PoolSpec(Mode.MAX, input, kernel, kernel, stride, stride, pad, pad, ceilMode, 0, 0);
    }

    public static PoolSpec avg(Shape input, int kernel, int stride, int pad, boolean ceilMode, boolean countIncludePad) {
        return new PoolSpec(countIncludePad ? Mode.AVG_INCLUDE_PAD : Mode.AVG_EXCLUDE_PAD, input, kernel, kernel, stride, stride, pad, pad, ceilMode, 0, 0);
    }

    public static PoolSpec adaptiveAvg(Shape input, int outH, int outW) {
        return new PoolSpec(Mode.ADAPTIVE_AVG, input, 0, 0, 0, 0, 0, 0, false, outH, outW);
    }

    /** "pool max input=[8, 64, 56, 56] kernel=3x3 stride=2x2 pad=1x1 ceil=false float32 nchw", for messages. */
    @Override
    public String toString() {
        String window = mode == Mode.ADAPTIVE_AVG ? " out=" + adaptiveOutH + "x" + adaptiveOutW
                : " kernel=" + kernelH + "x" + kernelW + " stride=" + strideH + "x" + strideW + " pad=" + padH + "x" + padW + " ceil=" + ceilMode;
        return "pool " + mode.name().toLowerCase(java.util.Locale.ROOT) + " input=" + input + window + " " + operands.describe();
    }

    public int outHeight() { return mode == Mode.ADAPTIVE_AVG ? adaptiveOutH : outSize(input.dim(2), kernelH, strideH, padH); }
    public int outWidth() { return mode == Mode.ADAPTIVE_AVG ? adaptiveOutW : outSize(input.dim(3), kernelW, strideW, padW); }
    public Shape outputShape() { return Shape.of(input.dim(0), input.dim(1), outHeight(), outWidth()); }

    /** PyTorch's rule, including "the last window must start inside the input (or left padding)" in ceil mode. */
    private int outSize(int in, int k, int s, int p) {
        int num = in + 2 * p - k;
        int out = (ceilMode ? (num + s - 1) / s : num / s) + 1;
        if (ceilMode && (out - 1) * s >= in + p) out--;
        return out;
    }
}
