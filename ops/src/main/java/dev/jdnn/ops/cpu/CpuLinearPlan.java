package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;

/** Fully connected layer on the CPU. PLACEHOLDER: replaced by the real implementation (blocked GEMM). */
final class CpuLinearPlan implements LinearPlan {
    private final LinearSpec spec;

    CpuLinearPlan(LinearSpec spec) {
        this.spec = spec;
    }

    @Override public LinearSpec spec() { return spec; }
    @Override public void forward(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y) { throw new UnsupportedOperationException("not yet"); }
    @Override public void backwardData(float alpha, Tensor dy, Tensor w, float beta, Tensor dx) { throw new UnsupportedOperationException("not yet"); }
    @Override public void backwardWeight(float alpha, Tensor x, Tensor dy, float beta, Tensor dw) { throw new UnsupportedOperationException("not yet"); }
    @Override public void backwardBias(float alpha, Tensor dy, float beta, Tensor db) { throw new UnsupportedOperationException("not yet"); }
}
