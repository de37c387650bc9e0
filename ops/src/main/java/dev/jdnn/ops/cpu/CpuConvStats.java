package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ConvStatsPlan;
import dev.jdnn.ops.ConvStatsSpec;

/**
 * {@link ConvStatsSpec} as its unfused ops: the input's batch-norm apply (scale, bias) and ReLU into a buffer the plan
 * owns, the convolution, then the per-channel sums of its output.
 */
final class CpuConvStats implements ConvStatsPlan {
    private final ConvStatsSpec spec;
    private final CpuConv2d conv;
    private final CpuActivations relu;
    private final Tensor activated; // relu(x * scale + bias), with scaleBiasReluInput only

    CpuConvStats(ConvStatsSpec spec) {
        this.spec = spec;
        this.conv = new CpuConv2d(spec.conv());
        this.relu = new CpuActivations(Activation.RELU, 0f, spec.conv().inputShape());
        this.activated = spec.scaleBiasReluInput() ? Tensor.allocate(HostAllocator.global(), spec.conv().inputShape(), DType.FLOAT32) : null;
    }

    @Override public ConvStatsSpec spec() { return spec; }
    @Override public long workspaceBytes() { return 0; }

    @Override
    public String implementation() {
        return "CPU composition: " + (spec.scaleBiasReluInput() ? "scale-bias and relu of the input, " : "") + "conv2d, per-channel sums";
    }

    @Override
    public void forward(Tensor x, Tensor scale, Tensor bias, Tensor w, Tensor y, Tensor sum, Tensor sqSum, Tensor workspace) {
        String p = spec.pattern();
        int in = spec.conv().inChannels(), out = spec.conv().outChannels();
        Tensor input = x;
        if (spec.scaleBiasReluInput()) {
            Channels.affine(Planes.of(p + " x", x, spec.conv().inputShape()), Channels.vector(p + " scale", scale, in),
                    Channels.vector(p + " bias", bias, in), Planes.of(p + " x", activated, spec.conv().inputShape()));
            relu.forward(1f, activated, 0f, activated);
            input = activated;
        } else if (scale != null || bias != null) {
            throw new IllegalArgumentException(p + ": scale and bias must be null without scaleBiasReluInput");
        }
        conv.forward(1f, input, w, null, 0f, y, null);
        float[] s = new float[out], q = new float[out];
        Channels.sums(Planes.of(p + " y", y, spec.conv().outputShape()), s, q);
        Channels.write(p + " sum", sum, s);
        Channels.write(p + " sqSum", sqSum, q);
    }

    @Override
    public void close() {
        if (activated != null) activated.close();
    }
}
