package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.DgradDreluPlan;
import dev.jdnn.ops.DgradDreluSpec;

/**
 * {@link DgradDreluSpec} as its unfused ops: the convolution's backward-data into dx, then the ReLU's backward in place
 * on dx, with the ReLU's input recomputed (batch-norm apply) into a buffer the plan owns when the spec asks for it.
 */
final class CpuDgradDrelu implements DgradDreluPlan {
    private final DgradDreluSpec spec;
    private final CpuConv2d conv;
    private final CpuActivations relu;
    private final Tensor recomputed; // reluInput * scale + bias, with reluInputFromScaleBias only

    CpuDgradDrelu(DgradDreluSpec spec) {
        this.spec = spec;
        this.conv = new CpuConv2d(spec.conv());
        this.relu = new CpuActivations(Activation.RELU, 0f, spec.conv().inputShape(), OperandType.DEFAULT);
        this.recomputed = spec.reluInputFromScaleBias() ? Tensor.allocate(HostAllocator.global(), spec.conv().inputShape(), DType.FLOAT32) : null;
    }

    @Override public DgradDreluSpec spec() { return spec; }
    @Override public long workspaceBytes() { return 0; }

    @Override
    public String implementation() {
        return "CPU composition: conv2d backward-data, " + (spec.reluInputFromScaleBias() ? "scale-bias of the relu input, " : "") + "relu backward";
    }

    @Override
    public void backward(Tensor dy, Tensor w, Tensor reluInput, Tensor scale, Tensor bias, Tensor dx) {
        String p = spec.pattern();
        Tensor r = reluInput;
        if (spec.reluInputFromScaleBias()) {
            Planes.of(p + " reluInput", reluInput, spec.conv().inputShape());
            CpuPointwise.scaleBiasActivation(reluInput, scale, bias, Activation.IDENTITY, recomputed);
            r = recomputed;
        } else if (scale != null || bias != null) {
            throw new IllegalArgumentException(p + ": scale and bias must be null without reluInputFromScaleBias");
        }
        conv.backwardData(1f, dy, w, 0f, dx);
        relu.backward(1f, r, r, dx, 0f, dx);
    }

    @Override
    public void close() {
        if (recomputed != null) recomputed.close();
    }
}
