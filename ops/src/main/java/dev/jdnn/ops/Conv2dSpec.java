package dev.jdnn.ops;

import dev.jdnn.memory.Shape;

/**
 * One 2D convolution on logical NCHW shapes, weights [outChannels, inChannels/groups, kernelH, kernelW] as PyTorch and
 * cuDNN store them, for activations of {@code operands} (format and dtype). The weight (copy) shares the activations'
 * dtype and format: OIHW-contiguous for NCHW, channels-last (KRSC: strides [kh*kw*I, 1, kw*I, I]) for NHWC. The bias
 * and the weight and bias gradients are float32 (the weight gradient in the weight's format). Construction validates
 * the geometry and names what is wrong.
 */
public record Conv2dSpec(int batch, int inChannels, int height, int width,
                         int outChannels, int kernelH, int kernelW,
                         int strideH, int strideW, int padH, int padW,
                         int dilationH, int dilationW, int groups, boolean bias, OperandType operands) {
    public Conv2dSpec {
        java.util.Objects.requireNonNull(operands, "conv2d operand type");
        Specs.positive("batch", batch); Specs.positive("inChannels", inChannels); Specs.positive("height", height);
        Specs.positive("width", width); Specs.positive("outChannels", outChannels); Specs.positive("kernelH", kernelH);
        Specs.positive("kernelW", kernelW); Specs.positive("strideH", strideH); Specs.positive("strideW", strideW);
        Specs.positive("dilationH", dilationH); Specs.positive("dilationW", dilationW); Specs.positive("groups", groups);
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("conv2d: negative padding " + padH + "x" + padW);
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("conv2d: groups=" + groups + " must divide both inChannels=" + inChannels + " and outChannels=" + outChannels);
        }
        int effH = dilationH * (kernelH - 1) + 1, effW = dilationW * (kernelW - 1) + 1;
        if (effH > height + 2 * padH || effW > width + 2 * padW) {
            throw new IllegalArgumentException("conv2d: kernel " + kernelH + "x" + kernelW + " (dilated " + effH + "x" + effW
                    + ") is larger than the padded input " + (height + 2 * padH) + "x" + (width + 2 * padW));
        }
    }

    /** Float32 NCHW operands. */
    public Conv2dSpec(int batch, int inChannels, int height, int width, int outChannels, int kernelH, int kernelW,
                      int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups, boolean bias) {
        this(batch, inChannels, height, width, outChannels, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW,
                groups, bias, OperandType.DEFAULT);
    }

    /** This convolution for other operands (format, dtype). */
    public Conv2dSpec with(OperandType newOperands) {
        return new Conv2dSpec(batch, inChannels, height, width, outChannels, kernelH, kernelW, strideH, strideW, padH, padW,
                dilationH, dilationW, groups, bias, newOperands);
    }

    /** This convolution with or without a bias. */
    public Conv2dSpec withBias(boolean newBias) {
        return new Conv2dSpec(batch, inChannels, height, width, outChannels, kernelH, kernelW, strideH, strideW, padH, padW,
                dilationH, dilationW, groups, newBias, operands);
    }

    /** Square kernel, same stride/padding/dilation in both directions; float32 NCHW. */
    public static Conv2dSpec of(Shape input, int outChannels, int kernel, int stride, int pad, int dilation, int groups, boolean bias) {
        if (input.rank() != 4) throw new IllegalArgumentException("conv2d expects an NCHW input, got shape " + input);
        return new Conv2dSpec(input.dim(0), input.dim(1), input.dim(2), input.dim(3), outChannels, kernel, kernel,
                stride, stride, pad, pad, dilation, dilation, groups, bias);
    }

    /**
     * The geometry on one line, e.g. {@code input=8x64x56x56 out=64 kernel=3x3 stride=1x1 pad=1x1 dilation=1x1 groups=1}
     * (bias and operand type excluded): part of the keys of stored convolution algorithms and fused engines.
     */
    public String geometry() {
        return "input=" + batch + "x" + inChannels + "x" + height + "x" + width + " out=" + outChannels
                + " kernel=" + kernelH + "x" + kernelW + " stride=" + strideH + "x" + strideW
                + " pad=" + padH + "x" + padW + " dilation=" + dilationH + "x" + dilationW + " groups=" + groups;
    }

    /** "conv2d input=8x64x56x56 out=64 kernel=3x3 ... groups=1 bias=false float32 nchw", for messages. */
    @Override
    public String toString() {
        return "conv2d " + geometry() + " bias=" + bias + " " + operands.describe();
    }

    public int outHeight() { return (height + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH + 1; }
    public int outWidth() { return (width + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW + 1; }
    public Shape inputShape() { return Shape.of(batch, inChannels, height, width); }
    public Shape weightShape() { return Shape.of(outChannels, inChannels / groups, kernelH, kernelW); }
    public Shape biasShape() { return Shape.of(outChannels); }
    public Shape outputShape() { return Shape.of(batch, outChannels, outHeight(), outWidth()); }

    /** Multiply-accumulates of one forward pass. */
    public long macs() {
        return (long) batch * outChannels * outHeight() * outWidth() * (inChannels / groups) * kernelH * kernelW;
    }
}
