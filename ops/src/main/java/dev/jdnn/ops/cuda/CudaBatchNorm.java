package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.Operands;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.jdnn.ops.cuda.Cudnn.ptr;

/**
 * Spatial batch normalisation on cuDNN. cuDNN's exponentialAverageFactor is PyTorch's momentum, and cuDNN, like
 * PyTorch, updates the running variance with the unbiased batch variance. x, y, dy, dx are the spec's
 * {@link OperandType} (bf16/fp16 storage included); gamma, beta and the statistics are float32 (the parameter
 * descriptor cuDNN derives from a half-precision x is float), and cuDNN accumulates the statistics in float32.
 *
 * <p>NCHW runs the plain entry points with CUDNN_BATCHNORM_SPATIAL (with bnOps = BN the Ex variants compute the same
 * thing). NHWC training runs the Ex entry points with CUDNN_BATCHNORM_SPATIAL_PERSISTENT — cuDNN's fast NHWC kernels —
 * when every operand of the call is densely packed; their workspace is reserved in the backend's shared workspace at
 * plan time. Only where cuDNN asks for no reserve space, though: a reserve space carries state from one node's
 * forward to the same node's backward, and a plan serves every node with an equal spec (the graph shares plans), so
 * a plan-owned reserve would hand one node's forward state to another node's backward; the Ex calls get none.
 * Pixel-strided NHWC views (channel slices), inference, and NHWC shapes or devices where the persistent mode is not
 * offered (or wants a reserve) run the plain entry points with NHWC descriptors.
 */
final class CudaBatchNorm implements BatchNormPlan {
    private final CudaContext ctx;
    private final BatchNormSpec spec;
    private final TensorDescriptors xDescs;
    private final MemorySegment paramDesc;
    private final int mode = cudnn_h.CUDNN_BATCHNORM_SPATIAL();
    /** Whether densely packed operands run the persistent NHWC kernels (Ex API). */
    private final boolean persistent;
    private final long forwardWorkspace, backwardWorkspace;
    private boolean closed;

    CudaBatchNorm(CudaContext ctx, BatchNormSpec spec) {
        if (spec.eps() < Cudnn.BN_MIN_EPSILON) {
            throw new IllegalArgumentException("cuDNN batch norm needs eps >= " + Cudnn.BN_MIN_EPSILON + " (CUDNN_BN_MIN_EPSILON), got " + spec.eps());
        }
        this.ctx = ctx;
        this.spec = spec;
        long[] sizes = null;
        try {
            this.xDescs = new TensorDescriptors("batchNorm input", spec.shape(), spec.operands(), ctx.device);
            this.paramDesc = Cudnn.create(cudnn_h::cudnnCreateTensorDescriptor, "cudnnCreateTensorDescriptor");
            Check.cudnn(cudnn_h.cudnnDeriveBNTensorDescriptor(paramDesc, xDescs.dense(), mode), "cudnnDeriveBNTensorDescriptor");
            if (spec.operands().format() == MemoryFormat.NHWC) sizes = persistentWorkspaces(persistentSizes());
            if (sizes != null) ctx.workspace.require(this, Math.max(sizes[0], sizes[1]));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.persistent = sizes != null;
        this.forwardWorkspace = sizes == null ? 0 : sizes[0];
        this.backwardWorkspace = sizes == null ? 0 : sizes[1];
    }

    /**
     * {forward workspace, backward workspace} for the persistent mode given cuDNN's {forward workspace, backward
     * workspace, reserve} ({@link #persistentSizes}); null — the plain entry points — when cuDNN refused the mode or
     * wants reserve space, which a plan shared by several nodes cannot keep per node (see the class comment).
     */
    static long[] persistentWorkspaces(long[] sizes) {
        if (sizes == null || sizes[2] != 0) return null;
        return new long[]{sizes[0], sizes[1]};
    }

    /** {forward workspace, backward workspace, reserve} of the persistent mode on dense descriptors; null when cuDNN refuses it. */
    private long[] persistentSizes() {
        int persistentMode = cudnn_h.CUDNN_BATCHNORM_SPATIAL_PERSISTENT(), ops = cudnn_h.CUDNN_BATCHNORM_OPS_BN();
        MemorySegment x = xDescs.dense(), none = MemorySegment.NULL;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG, 3);
            Check.cudnn(cudnn_h.cudnnGetBatchNormalizationForwardTrainingExWorkspaceSize(ctx.cudnn, persistentMode, ops, x, none, x, paramDesc, none,
                    out.asSlice(0, 8)), "cudnnGetBatchNormalizationForwardTrainingExWorkspaceSize");
            Check.cudnn(cudnn_h.cudnnGetBatchNormalizationBackwardExWorkspaceSize(ctx.cudnn, persistentMode, ops, x, none, x, none, x, paramDesc, none,
                    out.asSlice(8, 8)), "cudnnGetBatchNormalizationBackwardExWorkspaceSize");
            Check.cudnn(cudnn_h.cudnnGetBatchNormalizationTrainingExReserveSpaceSize(ctx.cudnn, persistentMode, ops, none, x, out.asSlice(16, 8)),
                    "cudnnGetBatchNormalizationTrainingExReserveSpaceSize");
            return out.toArray(ValueLayout.JAVA_LONG);
        } catch (CudaException e) {
            return null; // not offered for this shape, type or device: the plain entry points run NHWC too
        }
    }

    @Override
    public BatchNormSpec spec() {
        return spec;
    }

    private MemorySegment param(Tensor t, String what) {
        return ptr(Operands.contiguous("batchNorm " + what, t, spec.paramShape(), ctx.device));
    }

    /** Whether this call runs the persistent NHWC kernels: an NHWC plan that has them, every operand densely packed. */
    private boolean persistentFor(Tensor... operands) {
        if (!persistent) return false;
        for (Tensor t : operands) if (t != null && !xDescs.isDense(t)) return false;
        return true;
    }

    private MemorySegment workspace(long bytes) {
        return bytes == 0 ? MemorySegment.NULL : MemorySegment.ofAddress(ctx.workspace.address(bytes, "batchNorm " + spec.shape()));
    }

    @Override
    public void forwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean, Tensor runningVar, Tensor saveMean, Tensor saveInvStd) {
        ctx.ensureContext();
        MemorySegment xd = xDescs.of(x), yd = xDescs.of(y);
        if (persistentFor(x, y)) {
            ctx.cudnn("cudnnBatchNormalizationForwardTrainingEx (NHWC persistent) " + spec.shape(), cudnn_h.cudnnBatchNormalizationForwardTrainingEx(ctx.cudnn,
                    cudnn_h.CUDNN_BATCHNORM_SPATIAL_PERSISTENT(), cudnn_h.CUDNN_BATCHNORM_OPS_BN(), ctx.alpha(1f), ctx.beta(0f), xd, ptr(x),
                    MemorySegment.NULL, MemorySegment.NULL, yd, ptr(y), paramDesc, param(gamma, "gamma"), param(beta, "beta"),
                    spec.momentum(), param(runningMean, "running mean"), param(runningVar, "running variance"), spec.eps(),
                    param(saveMean, "saved mean"), param(saveInvStd, "saved inverse std"), MemorySegment.NULL,
                    workspace(forwardWorkspace), forwardWorkspace, MemorySegment.NULL, 0));
            return;
        }
        ctx.cudnn("cudnnBatchNormalizationForwardTraining " + spec.shape(), cudnn_h.cudnnBatchNormalizationForwardTraining(ctx.cudnn, mode,
                ctx.alpha(1f), ctx.beta(0f), xd, ptr(x), yd, ptr(y), paramDesc, param(gamma, "gamma"), param(beta, "beta"),
                spec.momentum(), param(runningMean, "running mean"), param(runningVar, "running variance"), spec.eps(),
                param(saveMean, "saved mean"), param(saveInvStd, "saved inverse std")));
    }

    @Override
    public void forwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean, Tensor runningVar) {
        ctx.ensureContext();
        MemorySegment xd = xDescs.of(x), yd = xDescs.of(y);
        ctx.cudnn("cudnnBatchNormalizationForwardInference " + spec.shape(), cudnn_h.cudnnBatchNormalizationForwardInference(ctx.cudnn, mode,
                ctx.alpha(1f), ctx.beta(0f), xd, ptr(x), yd, ptr(y), paramDesc, param(gamma, "gamma"), param(beta, "beta"),
                param(runningMean, "running mean"), param(runningVar, "running variance"), spec.eps()));
    }

    @Override
    public void backward(float alphaData, float betaData, float alphaParam, float betaParam, Tensor x, Tensor dy, Tensor gamma,
                         Tensor dx, Tensor dgamma, Tensor dbeta, Tensor saveMean, Tensor saveInvStd) {
        ctx.ensureContext();
        MemorySegment xd = xDescs.of(x), dyd = xDescs.of(dy), dxd = xDescs.of(dx);
        if (persistentFor(x, dy, dx)) {
            ctx.cudnn("cudnnBatchNormalizationBackwardEx (NHWC persistent) " + spec.shape(), cudnn_h.cudnnBatchNormalizationBackwardEx(ctx.cudnn,
                    cudnn_h.CUDNN_BATCHNORM_SPATIAL_PERSISTENT(), cudnn_h.CUDNN_BATCHNORM_OPS_BN(), ctx.alpha(alphaData), ctx.beta(betaData),
                    ctx.alpha2(alphaParam), ctx.beta2(betaParam), xd, ptr(x), MemorySegment.NULL, MemorySegment.NULL, dyd, ptr(dy),
                    MemorySegment.NULL, MemorySegment.NULL, dxd, ptr(dx), paramDesc, param(gamma, "gamma"), MemorySegment.NULL,
                    param(dgamma, "gamma gradient"), param(dbeta, "beta gradient"), spec.eps(), param(saveMean, "saved mean"),
                    param(saveInvStd, "saved inverse std"), MemorySegment.NULL, workspace(backwardWorkspace), backwardWorkspace,
                    MemorySegment.NULL, 0));
            return;
        }
        ctx.cudnn("cudnnBatchNormalizationBackward " + spec.shape(), cudnn_h.cudnnBatchNormalizationBackward(ctx.cudnn, mode,
                ctx.alpha(alphaData), ctx.beta(betaData), ctx.alpha2(alphaParam), ctx.beta2(betaParam), xd, ptr(x), dyd, ptr(dy), dxd, ptr(dx),
                paramDesc, param(gamma, "gamma"), param(dgamma, "gamma gradient"), param(dbeta, "beta gradient"), spec.eps(),
                param(saveMean, "saved mean"), param(saveInvStd, "saved inverse std")));
    }

    /** Idempotent; also releases a half-built plan (fields still null). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        ctx.workspace.release(this);
        if (xDescs != null) xDescs.close();
        if (paramDesc != null) cudnn_h.cudnnDestroyTensorDescriptor(paramDesc);
    }
}
