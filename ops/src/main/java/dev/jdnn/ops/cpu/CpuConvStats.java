package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ConvStatsPlan;
import dev.jdnn.ops.ConvStatsSpec;

/**
 * {@link ConvStatsSpec} as its unfused ops: the input's batch-norm apply and ReLU ({@code scaleBiasActivation}) into a
 * buffer the plan owns, the convolution, then the per-channel sums of its output.
 */
final class CpuConvStats implements ConvStatsPlan {
    private final ConvStatsSpec spec;
    private final CpuConv2d conv;
    private final Tensor activated; // relu(x * scale + bias), with scaleBiasReluInput only

    CpuConvStats(ConvStatsSpec spec) {
        this.spec = spec;
        this.conv = new CpuConv2d(spec.conv());
        this.activated = spec.scaleBiasReluInput() ? Tensor.allocate(HostAllocator.global(), spec.conv().inputShape(), DType.FLOAT32) : null;
    }

    @Override public ConvStatsSpec spec() { return spec; }
    @Override public long workspaceBytes() { return 0; }

    @Override
    public String implementation() {
        return "CPU composition: " + (spec.scaleBiasReluInput() ? "scale-bias and relu of the input, " : "") + "conv2d, per-channel sums";
    }

    @Override
    public void forward(Tensor x, Tensor scale, Tensor bias, Tensor w, Tensor y, Tensor sum, Tensor sqSum) {
        String p = spec.pattern();
        int out = spec.conv().outChannels();
        Tensor input = x;
        if (spec.scaleBiasReluInput()) {
            Planes.of(p + " x", x, spec.conv().inputShape());
            CpuPointwise.scaleBiasActivation(x, scale, bias, Activation.RELU, activated);
            input = activated;
        } else if (scale != null || bias != null) {
            throw new IllegalArgumentException(p + ": scale and bias must be null without scaleBiasReluInput");
        }
        conv.forward(1f, input, w, null, 0f, y);
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
