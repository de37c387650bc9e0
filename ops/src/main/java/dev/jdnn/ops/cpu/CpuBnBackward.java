package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.BnBackwardPlan;
import dev.jdnn.ops.BnBackwardSpec;

/** {@link BnBackwardSpec} as its unfused op: the batch norm's backward, results overwritten. */
final class CpuBnBackward implements BnBackwardPlan {
    private final BnBackwardSpec spec;
    private final CpuBatchNorm bn;

    CpuBnBackward(BnBackwardSpec spec) {
        this.spec = spec;
        this.bn = new CpuBatchNorm(spec.bn());
    }

    @Override public BnBackwardSpec spec() { return spec; }
    @Override public long workspaceBytes() { return 0; }
    @Override public String implementation() { return "CPU: batchNorm backward"; }

    @Override
    public void backward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta, Tensor workspace) {
        bn.backward(1f, 0f, 1f, 0f, x, dy, gamma, dx, dgamma, dbeta, saveMean, saveInvStd);
    }
}
