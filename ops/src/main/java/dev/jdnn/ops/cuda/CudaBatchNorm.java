package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;

import java.lang.foreign.MemorySegment;

import static dev.jdnn.ops.cuda.Cudnn.ptr;

/**
 * Spatial batch normalisation on cuDNN (CUDNN_BATCHNORM_SPATIAL). cuDNN's exponentialAverageFactor is PyTorch's
 * momentum, and cuDNN, like PyTorch, updates the running variance with the unbiased batch variance. The plain
 * (non-Ex) entry points are used: with bnOps = BN on NCHW float the Ex variants compute the same thing and only add
 * workspace/reserve arguments that are empty here.
 */
final class CudaBatchNorm implements BatchNormPlan {
    private final CudaContext ctx;
    private final BatchNormSpec spec;
    private final TensorDescriptors xDescs;
    private final MemorySegment paramDesc;
    private final int mode = cudnn_h.CUDNN_BATCHNORM_SPATIAL();

    CudaBatchNorm(CudaContext ctx, BatchNormSpec spec) {
        if (spec.eps() < Cudnn.BN_MIN_EPSILON) {
            throw new IllegalArgumentException("cuDNN batch norm needs eps >= " + Cudnn.BN_MIN_EPSILON + " (CUDNN_BN_MIN_EPSILON), got " + spec.eps());
        }
        this.ctx = ctx;
        this.spec = spec;
        this.xDescs = new TensorDescriptors("batchNorm input", spec.shape(), ctx.device);
        this.paramDesc = Cudnn.create(cudnn_h::cudnnCreateTensorDescriptor, "cudnnCreateTensorDescriptor");
        Check.cudnn(cudnn_h.cudnnDeriveBNTensorDescriptor(paramDesc, xDescs.contiguous(), mode), "cudnnDeriveBNTensorDescriptor");
    }

    @Override
    public BatchNormSpec spec() {
        return spec;
    }

    private MemorySegment param(Tensor t, String what) {
        return ptr(Operands.contiguous("batchNorm " + what, t, spec.paramShape(), ctx.device));
    }

    @Override
    public void forwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean, Tensor runningVar, Tensor saveMean, Tensor saveInvStd) {
        ctx.ensureContext();
        MemorySegment xd = xDescs.of(x), yd = xDescs.of(y);
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
        ctx.cudnn("cudnnBatchNormalizationBackward " + spec.shape(), cudnn_h.cudnnBatchNormalizationBackward(ctx.cudnn, mode,
                ctx.alpha(alphaData), ctx.beta(betaData), ctx.alpha2(alphaParam), ctx.beta2(betaParam), xd, ptr(x), dyd, ptr(dy), dxd, ptr(dx),
                paramDesc, param(gamma, "gamma"), param(dgamma, "gamma gradient"), param(dbeta, "beta gradient"), spec.eps(),
                param(saveMean, "saved mean"), param(saveInvStd, "saved inverse std")));
    }

    @Override
    public void close() {
        xDescs.close();
        cudnn_h.cudnnDestroyTensorDescriptor(paramDesc);
    }
}
