package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.PoolPlan;
import dev.jdnn.ops.PoolSpec;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static dev.jdnn.ops.cuda.Cudnn.ptr;

/**
 * Pooling prepared for one {@link PoolSpec}. cuDNN does max and average pooling whenever its output size is the
 * spec's (it sizes outputs with floor). Ceil-mode specs whose last window starts past the floor output, and adaptive
 * average pooling, run the NVRTC kernels in pooling.cu, which follow PyTorch exactly (including its average divisor
 * for windows clipped at the padded border).
 */
final class CudaPooling implements PoolPlan {
    private final CudaContext ctx;
    private final PoolSpec spec;
    private final TensorDescriptors xDescs, yDescs; // cuDNN path only
    private final MemorySegment poolDesc;           // NULL on the kernel path
    private final int[] geometry;

    CudaPooling(CudaContext ctx, PoolSpec spec) {
        this.ctx = ctx;
        this.spec = spec;
        Shape in = spec.input();
        this.geometry = new int[]{in.dim(1), in.dim(2), in.dim(3), spec.outHeight(), spec.outWidth(),
                spec.kernelH(), spec.kernelW(), spec.strideH(), spec.strideW(), spec.padH(), spec.padW()};
        if (usesCudnn(spec)) {
            this.poolDesc = poolingDescriptor(spec);
            this.xDescs = new TensorDescriptors("pool input", spec.input(), ctx.device);
            this.yDescs = new TensorDescriptors("pool output", spec.outputShape(), ctx.device);
            int[] dims = outputDims(poolDesc, xDescs.contiguous());
            if (!Arrays.equals(dims, spec.outputShape().toArray())) {
                close();
                throw new IllegalStateException("cuDNN pools " + spec + " to " + Arrays.toString(dims) + ", the spec says " + spec.outputShape());
            }
        } else {
            this.poolDesc = MemorySegment.NULL;
            this.xDescs = null;
            this.yDescs = null;
        }
    }

    /** Whether cuDNN computes exactly this spec: not adaptive, and ceil mode adds no window beyond floor's. */
    static boolean usesCudnn(PoolSpec spec) {
        if (spec.mode() == PoolSpec.Mode.ADAPTIVE_AVG) return false;
        if (!spec.ceilMode()) return true;
        PoolSpec floor = new PoolSpec(spec.mode(), spec.input(), spec.kernelH(), spec.kernelW(), spec.strideH(), spec.strideW(),
                spec.padH(), spec.padW(), false, 0, 0);
        return floor.outputShape().equals(spec.outputShape());
    }

    static int cudnnMode(PoolSpec.Mode mode) {
        return switch (mode) {
            case MAX -> cudnn_h.CUDNN_POOLING_MAX_DETERMINISTIC();
            case AVG_INCLUDE_PAD -> cudnn_h.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING();
            case AVG_EXCLUDE_PAD -> cudnn_h.CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING();
            case ADAPTIVE_AVG -> throw new IllegalArgumentException("cuDNN has no adaptive average pooling");
        };
    }

    /** A cuDNN pooling descriptor for a non-adaptive spec; needs no GPU. */
    static MemorySegment poolingDescriptor(PoolSpec spec) {
        MemorySegment d = Cudnn.create(cudnn_h::cudnnCreatePoolingDescriptor, "cudnnCreatePoolingDescriptor");
        try {
            Check.cudnn(cudnn_h.cudnnSetPooling2dDescriptor(d, cudnnMode(spec.mode()), cudnn_h.CUDNN_PROPAGATE_NAN(),
                    spec.kernelH(), spec.kernelW(), spec.padH(), spec.padW(), spec.strideH(), spec.strideW()), "cudnnSetPooling2dDescriptor(" + spec + ")");
        } catch (RuntimeException e) {
            cudnn_h.cudnnDestroyPoolingDescriptor(d);
            throw e;
        }
        return d;
    }

    static int[] outputDims(MemorySegment poolDesc, MemorySegment xDesc) {
        return Cudnn.dims4(o -> cudnn_h.cudnnGetPooling2dForwardOutputDim(poolDesc, xDesc, o[0], o[1], o[2], o[3]), "cudnnGetPooling2dForwardOutputDim");
    }

    /** Mode code of pooling.cu (POOL_MAX, POOL_AVG_INCLUDE_PAD, POOL_AVG_EXCLUDE_PAD). */
    private int kernelMode() {
        return switch (spec.mode()) {
            case MAX -> 0;
            case AVG_INCLUDE_PAD -> 1;
            case AVG_EXCLUDE_PAD -> 2;
            case ADAPTIVE_AVG -> -1;
        };
    }

    @Override
    public PoolSpec spec() {
        return spec;
    }

    private int planes() {
        return spec.input().dim(0) * spec.input().dim(1);
    }

    @Override
    public void forward(float alpha, Tensor x, float beta, Tensor y) {
        ctx.ensureContext();
        if (xDescs != null) {
            MemorySegment xd = xDescs.of(x), yd = yDescs.of(y);
            ctx.cudnn("cudnnPoolingForward " + spec, cudnn_h.cudnnPoolingForward(ctx.cudnn, poolDesc, ctx.alpha(alpha), xd, ptr(x), ctx.beta(beta), yd, ptr(y)));
            return;
        }
        Operands.batched("pool input", x, spec.input(), ctx.device);
        Operands.batched("pool output", y, spec.outputShape(), ctx.device);
        long work = y.numel();
        if (spec.mode() == PoolSpec.Mode.ADAPTIVE_AVG) {
            ctx.launch.elementwise(Kernel.ADAPTIVE_AVG_FORWARD, work, geometry, planes(), alpha, x, CudaPointwise.batchStride(x), beta, y, CudaPointwise.batchStride(y));
        } else {
            ctx.launch.elementwise(Kernel.POOL_FORWARD, work, geometry, kernelMode(), planes(), alpha, x, CudaPointwise.batchStride(x), beta, y, CudaPointwise.batchStride(y));
        }
    }

    @Override
    public void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        ctx.ensureContext();
        if (xDescs != null) {
            MemorySegment xd = xDescs.of(x), yd = yDescs.of(y), dyd = yDescs.of(dy), dxd = xDescs.of(dx);
            ctx.cudnn("cudnnPoolingBackward " + spec, cudnn_h.cudnnPoolingBackward(ctx.cudnn, poolDesc, ctx.alpha(alpha), yd, ptr(y), dyd, ptr(dy),
                    xd, ptr(x), ctx.beta(beta), dxd, ptr(dx)));
            return;
        }
        Operands.batched("pool output gradient", dy, spec.outputShape(), ctx.device);
        Operands.batched("pool input gradient", dx, spec.input(), ctx.device);
        long work = dx.numel();
        if (spec.mode() == PoolSpec.Mode.ADAPTIVE_AVG) {
            ctx.launch.elementwise(Kernel.ADAPTIVE_AVG_BACKWARD, work, geometry, planes(), alpha, dy, CudaPointwise.batchStride(dy), beta, dx, CudaPointwise.batchStride(dx));
        } else {
            Operands.batched("pool input", x, spec.input(), ctx.device);
            ctx.launch.elementwise(Kernel.POOL_BACKWARD, work, geometry, kernelMode(), planes(), alpha, x, CudaPointwise.batchStride(x),
                    dy, CudaPointwise.batchStride(dy), beta, dx, CudaPointwise.batchStride(dx));
        }
    }

    @Override
    public void close() {
        if (xDescs != null) xDescs.close();
        if (yDescs != null) yDescs.close();
        if (!poolDesc.equals(MemorySegment.NULL)) cudnn_h.cudnnDestroyPoolingDescriptor(poolDesc);
    }
}
