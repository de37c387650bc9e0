package dev.jdnn.networks.layers;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Init;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;

/**
 * torch.nn.BatchNorm2d: weight (gamma) = 1, bias (beta) = 0, running_mean = 0, running_var = 1. torchvision's
 * families differ in eps/momentum (default 1e-5 / 0.1; GoogLeNet eps 1e-3; MobileNetV3 eps 1e-3 momentum 0.01...).
 * {@code num_batches_tracked} is not kept: it only matters for momentum=None, which no zoo model uses.
 */
public final class BatchNorm2d extends Layer {
    public static final double DEFAULT_EPS = 1e-5, DEFAULT_MOMENTUM = 0.1;

    public final int channels;
    public final double eps, momentum;
    public final Parameter weight, bias, runningMean, runningVar;

    public BatchNorm2d(int channels, double eps, double momentum) {
        this.channels = channels; this.eps = eps; this.momentum = momentum;
        Shape s = Shape.of(channels);
        weight = parameter("weight", s, Init.ones());
        bias = parameter("bias", s, Init.zeros());
        runningMean = buffer("running_mean", s, Init.zeros());
        runningVar = buffer("running_var", s, Init.ones());
    }

    public BatchNorm2d(int channels) {
        this(channels, DEFAULT_EPS, DEFAULT_MOMENTUM);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return t.batchNorm2d(x, weight, bias, runningMean, runningVar, eps, momentum, t.training() && !isFrozen());
    }
}
