package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ConvBiasActivationPlan;
import dev.jdnn.ops.ConvBiasActivationSpec;

/** {@link ConvBiasActivationSpec} as its unfused ops: the convolution with its bias, then the activation in place. */
final class CpuConvBiasActivation implements ConvBiasActivationPlan {
    private final ConvBiasActivationSpec spec;
    private final CpuConv2d conv;
    private final CpuActivations activation;

    CpuConvBiasActivation(ConvBiasActivationSpec spec) {
        this.spec = spec;
        this.conv = new CpuConv2d(spec.conv());
        this.activation = new CpuActivations(spec.activation(), 0f, spec.conv().outputShape());
    }

    @Override public ConvBiasActivationSpec spec() { return spec; }
    @Override public long workspaceBytes() { return 0; }
    @Override public String implementation() { return "CPU composition: conv2d with bias, then " + spec.activation(); }

    @Override
    public void forward(Tensor x, Tensor w, Tensor bias, Tensor y, Tensor workspace) {
        if ((bias != null) != spec.conv().bias()) {
            throw new IllegalArgumentException(spec.pattern() + ": bias must be " + (spec.conv().bias() ? "given" : "null") + " for " + spec.describe());
        }
        conv.forward(1f, x, w, bias, 0f, y, null);
        if (spec.activation() != Activation.IDENTITY) activation.forward(1f, y, 0f, y);
    }
}
