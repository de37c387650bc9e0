package dev.jdnn.networks.layers;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Init;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;

/** torch.nn.Conv2d with square kernel, stride, padding and dilation; weight [out, in/groups, k, k]. */
public final class Conv2d extends Layer {
    public final int inChannels, outChannels, kernel, stride, padding, dilation, groups;
    public final Parameter weight;
    public final Parameter bias; // null when bias=false

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, int groups, boolean bias) {
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d: groups=" + groups + " must divide in=" + inChannels + " and out=" + outChannels);
        }
        this.inChannels = inChannels; this.outChannels = outChannels; this.kernel = kernel; this.stride = stride;
        this.padding = padding; this.dilation = dilation; this.groups = groups;
        Shape ws = Shape.of(outChannels, inChannels / groups, kernel, kernel);
        this.weight = parameter("weight", ws, Init.pytorchDefaultWeight());
        this.bias = bias ? parameter("bias", Shape.of(outChannels), Init.pytorchDefaultBias(inChannels / groups * kernel * kernel)) : null;
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias) {
        this(inChannels, outChannels, kernel, stride, padding, 1, 1, bias);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return t.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }
}
