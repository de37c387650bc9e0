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
import static dev.jdnn.ops.cuda.KernelOperands.ref;

/**
 * Pooling prepared for one {@link PoolSpec}. cuDNN does max and average pooling whenever its output size is the
 * spec's (it sizes outputs with floor). Ceil-mode specs whose last window starts past the floor output, and adaptive
 * average pooling, run the NVRTC kernels in pooling.cu, which follow PyTorch exactly (including its average divisor
 * for windows clipped at the padded border). Both take the spec's {@link dev.jdnn.ops.OperandType}: NHWC strides and
 * half-precision storage through cuDNN's descriptors, or the kernels' Walk/Ref operands (channels fastest in NHWC).
 */
final class CudaPooling implements PoolPlan {
    private final CudaContext ctx;
    private final PoolSpec spec;
    private final TensorDescriptors xDescs, yDescs; // cuDNN path only
    private final MemorySegment poolDesc;           // NULL on the kernel path
    private boolean closed;

    CudaPooling(CudaContext ctx, PoolSpec spec) {
        this.ctx = ctx;
        this.spec = spec;
        if (usesCudnn(spec)) {
            this.poolDesc = poolingDescriptor(spec);
            try {
                this.xDescs = new TensorDescriptors("pool input", spec.input(), spec.operands(), ctx.device);
                this.yDescs = new TensorDescriptors("pool output", spec.outputShape(), spec.operands(), ctx.device);
                int[] dims = outputDims(poolDesc, xDescs.dense());
                if (!Arrays.equals(dims, spec.outputShape().toArray())) {
                    throw new IllegalStateException("cuDNN pools " + spec + " to " + Arrays.toString(dims) + ", the spec says " + spec.outputShape());
                }
            } catch (RuntimeException e) {
                close(); // what was built so far is not leaked
                throw e;
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
    private static int kernelMode(PoolSpec spec) {
        return switch (spec.mode()) {
            case MAX -> 0;
            case AVG_INCLUDE_PAD -> 1;
            case AVG_EXCLUDE_PAD -> 2;
            case ADAPTIVE_AVG -> -1;
        };
    }

    /** pooling.cu's Geometry struct. */
    private static int[] geometry(PoolSpec spec) {
        Shape in = spec.input();
        return new int[]{in.dim(1), in.dim(2), in.dim(3), spec.outHeight(), spec.outWidth(),
                spec.kernelH(), spec.kernelW(), spec.strideH(), spec.strideW(), spec.padH(), spec.padW()};
    }

    @Override
    public PoolSpec spec() {
        return spec;
    }

    private Tensor check(String what, Tensor t, dev.jdnn.memory.Shape shape) {
        return Operands.activation(what, t, shape, spec.operands(), ctx.device);
    }

    @Override
    public void forward(float alpha, Tensor x, float beta, Tensor y) {
        ctx.ensureContext();
        if (xDescs != null) {
            MemorySegment xd = xDescs.of(x), yd = yDescs.of(y);
            ctx.cudnn("cudnnPoolingForward " + spec, cudnn_h.cudnnPoolingForward(ctx.cudnn, poolDesc, ctx.alpha(alpha), xd, ptr(x), ctx.beta(beta), yd, ptr(y)));
            return;
        }
        check("pool input", x, spec.input());
        check("pool output", y, spec.outputShape());
        Kernel k = spec.mode() == PoolSpec.Mode.ADAPTIVE_AVG ? Kernel.ADAPTIVE_AVG_FORWARD : Kernel.POOL_FORWARD;
        ctx.launch.elementwise(k, y.numel(), forwardArgs(spec, alpha, x, beta, y));
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
        check("pool output gradient", dy, spec.outputShape());
        check("pool input gradient", dx, spec.input());
        if (spec.mode() != PoolSpec.Mode.ADAPTIVE_AVG) check("pool input", x, spec.input());
        Kernel k = spec.mode() == PoolSpec.Mode.ADAPTIVE_AVG ? Kernel.ADAPTIVE_AVG_BACKWARD : Kernel.POOL_BACKWARD;
        ctx.launch.elementwise(k, dx.numel(), backwardArgs(spec, alpha, x, dy, beta, dx));
    }

    /**
     * The kernel path's forward arguments: geometry, the walk over y (channels fastest in NHWC), and the operands; the
     * mode for pool_forward (geometry and mode from the spec). Checked against pooling.cu without a GPU.
     */
    static Object[] forwardArgs(PoolSpec spec, float alpha, Tensor x, float beta, Tensor y) {
        KernelOperands.Walk out = KernelOperands.walk(spec.operands().format(), y);
        return spec.mode() == PoolSpec.Mode.ADAPTIVE_AVG
                ? new Object[]{geometry(spec), out, alpha, ref(x), beta, ref(y)}
                : new Object[]{geometry(spec), kernelMode(spec), out, alpha, ref(x), beta, ref(y)};
    }

    /** The kernel path's backward arguments: the walk over dx; adaptive pooling does not read x. */
    static Object[] backwardArgs(PoolSpec spec, float alpha, Tensor x, Tensor dy, float beta, Tensor dx) {
        KernelOperands.Walk in = KernelOperands.walk(spec.operands().format(), dx);
        return spec.mode() == PoolSpec.Mode.ADAPTIVE_AVG
                ? new Object[]{geometry(spec), in, alpha, ref(dy), beta, ref(dx)}
                : new Object[]{geometry(spec), kernelMode(spec), in, alpha, ref(x), ref(dy), beta, ref(dx)};
    }

    /** Idempotent; also releases a half-built plan (fields still null). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (xDescs != null) xDescs.close();
        if (yDescs != null) yDescs.close();
        if (!poolDesc.equals(MemorySegment.NULL)) cudnn_h.cudnnDestroyPoolingDescriptor(poolDesc);
    }
}
