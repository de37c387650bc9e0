package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cublas.cublas_h;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;
import dev.jdnn.ops.OperandType;

import static dev.jdnn.ops.cuda.Cudnn.ptr;

/**
 * A fully connected layer on cuBLAS: SGEMM for float32, cublasGemmEx with bfloat16/float16 A and B and a float32
 * compute type for the half types. Java tensors are row-major and cuBLAS is column-major: a row-major [r, c] matrix
 * is, to cuBLAS, its transpose with leading dimension c. So each product C = A·B is issued as Cᵀ = Bᵀ·Aᵀ, which swaps
 * the operands and needs no copies. Row (batch) strides become leading dimensions, so batch-strided x/dx/y/dy views
 * work as they are. With half-precision operands the mixed-precision table holds exactly: dW is written float32 by
 * the GEMM itself (C type float), and a forward with bias goes through a plan-owned float32 [batch, out] scratch, so
 * the bias is added before y's one rounding.
 */
final class CudaLinear implements LinearPlan {
    private final CudaContext ctx;
    private final LinearSpec spec;
    private final OperandType type;
    private final Tensor scratch; // float32 x·Wᵀ of a half-precision forward with bias; null otherwise

    CudaLinear(CudaContext ctx, LinearSpec spec) {
        this.ctx = ctx;
        this.spec = spec;
        this.type = OperandType.of(MemoryFormat.NCHW, spec.dtype());
        this.scratch = spec.dtype() != DType.FLOAT32 && spec.bias() ? ctx.allocate(spec.outputShape(), DType.FLOAT32) : null;
    }

    @Override
    public LinearSpec spec() {
        return spec;
    }

    /** The context sets the handle's math mode once ({@link #cublasMathMode}). */
    @Override
    public String implementation() {
        return implementation(spec.dtype(), ctx.options.strictFp32());
    }

    /** "cuBLAS SGEMM (CUBLAS_TF32_TENSOR_OP_MATH)" for float32; GemmEx with the storage type for the half types. */
    static String implementation(DType dtype, boolean strictFp32) {
        String mode = strictFp32 ? "CUBLAS_PEDANTIC_MATH" : "CUBLAS_TF32_TENSOR_OP_MATH";
        return dtype == DType.FLOAT32 ? "cuBLAS SGEMM (" + mode + ")"
                : "cuBLAS GemmEx (" + dtype.label() + " A and B, CUBLAS_COMPUTE_32F, " + mode + ")";
    }

    /**
     * The cuBLAS math mode of a backend's handle. Strict FP32: pedantic math, no TF32 and no reduced-precision
     * shortcuts; otherwise TF32 tensor cores for float32 GEMMs, as PyTorch with allow_tf32. Either way with
     * CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION: without it cuBLAS may reduce a GemmEx with bfloat16/float16
     * output in the output type (cublas_api.h: the flag forces "any reductions to use the accumulator type and not
     * output type in case of mixed precision routines with lower size output type"), where jdnn's mixed-precision
     * table accumulates in float32 and rounds once.
     */
    static int cublasMathMode(boolean strictFp32) {
        int base = strictFp32 ? cublas_h.CUBLAS_PEDANTIC_MATH() : cublas_h.CUBLAS_TF32_TENSOR_OP_MATH();
        return base | cublas_h.CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION();
    }

    /** The leading dimension cuBLAS sees for a (checked) row-major operand: its row stride. */
    private static int ld(Tensor t, String what) {
        long ld = t.dim(0) <= 1 ? t.dim(1) : t.stride(0);
        if (ld > Integer.MAX_VALUE) throw new IllegalArgumentException(what + ": row stride " + ld + " exceeds cuBLAS's int leading dimension");
        return (int) ld;
    }

    /** One column-major SGEMM, C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C, as cuBLAS takes it. */
    record Gemm(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc) {}

    // yᵀ[O×B] = W[O×I] · xᵀ[I×B]; cuBLAS sees row-major W as Wᵀ (I×O, ld I), hence op T. A = W, B = x, C = y.
    static Gemm forwardGemm(LinearSpec s, int ldx, int ldy) {
        return new Gemm(true, false, s.outFeatures(), s.batch(), s.inFeatures(), s.inFeatures(), ldx, ldy);
    }

    // dxᵀ[I×B] = Wᵀ[I×O] · dyᵀ[O×B]; cuBLAS sees W as Wᵀ already. A = W, B = dy, C = dx.
    static Gemm backwardDataGemm(LinearSpec s, int lddy, int lddx) {
        return new Gemm(false, false, s.inFeatures(), s.batch(), s.outFeatures(), s.inFeatures(), lddy, lddx);
    }

    // dWᵀ[I×O] = xᵀ[I×B] · dy[B×O]; cuBLAS sees dy as dyᵀ (O×B), hence op T on it. A = x, B = dy, C = dW.
    static Gemm backwardWeightGemm(LinearSpec s, int ldx, int lddy) {
        return new Gemm(false, true, s.inFeatures(), s.outFeatures(), s.batch(), ldx, lddy, s.inFeatures());
    }

    /** cuBLAS's data type of a storage type. */
    static int cudaType(DType t) {
        return switch (t) {
            case FLOAT32 -> cublas_h.CUDA_R_32F();
            case BFLOAT16 -> cublas_h.CUDA_R_16BF();
            case FLOAT16 -> cublas_h.CUDA_R_16F();
            default -> throw new IllegalArgumentException("cuBLAS operands are float32, bfloat16 or float16, got " + t);
        };
    }

    private void gemm(String op, Gemm g, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        if (a.dtype() != DType.FLOAT32 || c.dtype() != DType.FLOAT32) {
            ctx.cublas("cublasGemmEx (" + op + ") " + spec, cublas_h.cublasGemmEx(ctx.cublas,
                    g.transA() ? cublas_h.CUBLAS_OP_T() : cublas_h.CUBLAS_OP_N(), g.transB() ? cublas_h.CUBLAS_OP_T() : cublas_h.CUBLAS_OP_N(),
                    g.m(), g.n(), g.k(), ctx.alpha(alpha), ptr(a), cudaType(a.dtype()), g.lda(), ptr(b), cudaType(b.dtype()), g.ldb(),
                    ctx.beta(beta), ptr(c), cudaType(c.dtype()), g.ldc(), cublas_h.CUBLAS_COMPUTE_32F(), cublas_h.CUBLAS_GEMM_DEFAULT()));
            return;
        }
        ctx.cublas("cublasSgemm (" + op + ") " + spec, cublas_h.cublasSgemm_v2(ctx.cublas,
                g.transA() ? cublas_h.CUBLAS_OP_T() : cublas_h.CUBLAS_OP_N(), g.transB() ? cublas_h.CUBLAS_OP_T() : cublas_h.CUBLAS_OP_N(),
                g.m(), g.n(), g.k(), ctx.alpha(alpha), ptr(a), g.lda(), ptr(b), g.ldb(), ctx.beta(beta), ptr(c), g.ldc()));
    }

    @Override
    public void forward(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y) {
        ctx.ensureContext();
        Operands.activation("linear input", x, spec.inputShape(), type, ctx.device);
        Operands.activation("linear output", y, spec.outputShape(), type, ctx.device);
        Operands.weight("linear weight", w, spec.weightShape(), type, ctx.device);
        if (bias != null && scratch != null) { // float32 product, + bias, then one rounding into y
            gemm("linear forward", forwardGemm(spec, ld(x, "linear input"), spec.outFeatures()), 1f, w, x, 0f, scratch);
            CudaPointwise.addBias(ctx, scratch, bias, 1f);
            CudaPointwise.addScaled(ctx, alpha, scratch, beta, y);
            return;
        }
        gemm("linear forward", forwardGemm(spec, ld(x, "linear input"), ld(y, "linear output")), alpha, w, x, beta, y);
        if (bias != null) CudaPointwise.addBias(ctx, y, bias, alpha);
    }

    @Override
    public void backwardData(float alpha, Tensor dy, Tensor w, float beta, Tensor dx) {
        ctx.ensureContext();
        Operands.activation("linear output gradient", dy, spec.outputShape(), type, ctx.device);
        Operands.activation("linear input gradient", dx, spec.inputShape(), type, ctx.device);
        Operands.weight("linear weight", w, spec.weightShape(), type, ctx.device);
        gemm("linear backward data", backwardDataGemm(spec, ld(dy, "linear output gradient"), ld(dx, "linear input gradient")), alpha, w, dy, beta, dx);
    }

    @Override
    public void backwardWeight(float alpha, Tensor x, Tensor dy, float beta, Tensor dw) {
        ctx.ensureContext();
        Operands.activation("linear input", x, spec.inputShape(), type, ctx.device);
        Operands.activation("linear output gradient", dy, spec.outputShape(), type, ctx.device);
        Operands.weightGradient("linear weight gradient", dw, spec.weightShape(), type, ctx.device);
        gemm("linear backward weight", backwardWeightGemm(spec, ld(x, "linear input"), ld(dy, "linear output gradient")), alpha, x, dy, beta, dw);
    }

    @Override
    public void backwardBias(float alpha, Tensor dy, float beta, Tensor db) {
        ctx.ensureContext();
        Operands.activation("linear output gradient", dy, spec.outputShape(), type, ctx.device);
        CudaPointwise.biasGrad(ctx, alpha, dy, beta, db);
    }

    @Override
    public void close() {
        if (scratch != null) scratch.close();
    }
}
