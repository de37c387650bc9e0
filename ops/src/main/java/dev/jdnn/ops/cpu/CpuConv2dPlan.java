package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;

/** Convolution on the CPU. PLACEHOLDER: replaced by the real implementation (im2col + blocked GEMM). */
final class CpuConv2dPlan implements Conv2dPlan {
    private final Conv2dSpec spec;

    CpuConv2dPlan(Conv2dSpec spec) {
        this.spec = spec;
    }

    @Override public Conv2dSpec spec() { return spec; }
    @Override public long workspaceBytes() { return 0; }
    @Override public void forward(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y, Tensor workspace) { throw new UnsupportedOperationException("not yet"); }
    @Override public void backwardData(float alpha, Tensor dy, Tensor w, float beta, Tensor dx, Tensor workspace) { throw new UnsupportedOperationException("not yet"); }
    @Override public void backwardFilter(float alpha, Tensor x, Tensor dy, float beta, Tensor dw, Tensor workspace) { throw new UnsupportedOperationException("not yet"); }
    @Override public void backwardBias(float alpha, Tensor dy, float beta, Tensor db) { throw new UnsupportedOperationException("not yet"); }
}
