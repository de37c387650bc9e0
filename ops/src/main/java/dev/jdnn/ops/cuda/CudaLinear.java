package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cublas.cublas_h;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;

import static dev.jdnn.ops.cuda.Cudnn.ptr;

/**
 * A fully connected layer on cuBLAS SGEMM. Java tensors are row-major and cuBLAS is column-major: a row-major
 * [r, c] matrix is, to cuBLAS, its transpose with leading dimension c. So each product C = A·B is issued as
 * Cᵀ = Bᵀ·Aᵀ, which swaps the operands and needs no copies. Row (batch) strides become leading dimensions, so
 * batch-strided x/dx/y/dy views work as they are.
 */
final class CudaLinear implements LinearPlan {
    private final CudaContext ctx;
    private final LinearSpec spec;

    CudaLinear(CudaContext ctx, LinearSpec spec) {
        this.ctx = ctx;
        this.spec = spec;
    }

    @Override
    public LinearSpec spec() {
        return spec;
    }

    /** The leading dimension cuBLAS sees for a (checked) row-major operand: its row stride. */
    private static int ld(Tensor t, String what) {
        long ld = CudaPointwise.batchStride(t);
        if (ld > Integer.MAX_VALUE) throw new IllegalArgumentException(what + ": row stride " + ld + " exceeds cuBLAS's int leading dimension");
        return (int) ld;
    }

    private void gemm(String op, boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, int lda,
                      Tensor b, int ldb, float beta, Tensor c, int ldc) {
        ctx.cublas("cublasSgemm (" + op + ") " + spec, cublas_h.cublasSgemm_v2(ctx.cublas,
                transA ? cublas_h.CUBLAS_OP_T() : cublas_h.CUBLAS_OP_N(), transB ? cublas_h.CUBLAS_OP_T() : cublas_h.CUBLAS_OP_N(),
                m, n, k, ctx.alpha(alpha), ptr(a), lda, ptr(b), ldb, ctx.beta(beta), ptr(c), ldc));
    }

    @Override
    public void forward(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y) {
        Operands.check(x, "linear input", spec.inputShape(), ctx.device);
        Operands.check(y, "linear output", spec.outputShape(), ctx.device);
        Operands.contiguous(w, "linear weight", spec.weightShape(), ctx.device);
        // yᵀ[O×B] = W[O×I] · xᵀ[I×B]; cuBLAS sees W as Wᵀ (I×O, ld I), hence op T.
        gemm("linear forward", true, false, spec.outFeatures(), spec.batch(), spec.inFeatures(), alpha, w, spec.inFeatures(),
                x, ld(x, "linear input"), beta, y, ld(y, "linear output"));
        if (bias != null) CudaPointwise.addBias(ctx, y, bias, alpha);
    }

    @Override
    public void backwardData(float alpha, Tensor dy, Tensor w, float beta, Tensor dx) {
        Operands.check(dy, "linear output gradient", spec.outputShape(), ctx.device);
        Operands.check(dx, "linear input gradient", spec.inputShape(), ctx.device);
        Operands.contiguous(w, "linear weight", spec.weightShape(), ctx.device);
        // dxᵀ[I×B] = Wᵀ[I×O] · dyᵀ[O×B]; cuBLAS sees W as Wᵀ already.
        gemm("linear backward data", false, false, spec.inFeatures(), spec.batch(), spec.outFeatures(), alpha, w, spec.inFeatures(),
                dy, ld(dy, "linear output gradient"), beta, dx, ld(dx, "linear input gradient"));
    }

    @Override
    public void backwardWeight(float alpha, Tensor x, Tensor dy, float beta, Tensor dw) {
        Operands.check(x, "linear input", spec.inputShape(), ctx.device);
        Operands.check(dy, "linear output gradient", spec.outputShape(), ctx.device);
        Operands.contiguous(dw, "linear weight gradient", spec.weightShape(), ctx.device);
        // dWᵀ[I×O] = xᵀ[I×B] · dy[B×O]; cuBLAS sees dy as dyᵀ (O×B), hence op T on it.
        gemm("linear backward weight", false, true, spec.inFeatures(), spec.outFeatures(), spec.batch(), alpha, x, ld(x, "linear input"),
                dy, ld(dy, "linear output gradient"), beta, dw, spec.inFeatures());
    }

    @Override
    public void backwardBias(float alpha, Tensor dy, float beta, Tensor db) {
        Operands.check(dy, "linear output gradient", spec.outputShape(), ctx.device);
        CudaPointwise.biasGrad(ctx, alpha, dy, beta, db);
    }
}
