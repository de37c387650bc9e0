package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.OperandType;

import java.lang.foreign.MemorySegment;

import static dev.jdnn.ops.cuda.Cudnn.ptr;
import static dev.jdnn.ops.cuda.KernelOperands.ref;

/**
 * Activations: cuDNN's activation descriptor for RELU, RELU6 (CLIPPED_RELU with ceiling 6), SIGMOID and TANH;
 * activations.cu for the rest (leaky ReLU, hard sigmoid/swish, both GELUs, and SiLU, whose cuDNN form needs
 * cudnnSetActivationDescriptorSwishBeta, absent from the bindings). IDENTITY is y = alpha*x + beta*y
 * (cuDNN's IDENTITY mode only works inside fused convolutions). Any {@link OperandType}: cuDNN takes NHWC strides and
 * half-precision descriptors with float32 alpha/beta; the kernels load and store every storage type.
 */
final class CudaActivations implements ActivationPlan {
    private final CudaContext ctx;
    private final Activation kind;
    private final float param;
    private final Shape shape;
    private final OperandType type;
    private final TensorDescriptors descs;   // cuDNN path only
    private final MemorySegment activation;  // NULL unless cuDNN runs it

    CudaActivations(CudaContext ctx, Activation kind, float param, Shape shape, OperandType type) {
        java.util.Objects.requireNonNull(type, "activation operand type").requireFits("activation " + kind, shape);
        this.ctx = ctx;
        this.kind = kind;
        this.param = param;
        this.shape = shape;
        this.type = type;
        int mode = cudnnMode(kind);
        if (mode >= 0) {
            this.activation = activationDescriptor(mode, kind == Activation.RELU6 ? 6.0 : 0.0);
            this.descs = new TensorDescriptors("activation " + kind, shape, type, ctx.device);
        } else {
            this.activation = MemorySegment.NULL;
            this.descs = null;
        }
    }

    /** The cuDNN activation mode for {@code kind}, or -1 when a kernel computes it. */
    static int cudnnMode(Activation kind) {
        return switch (kind) {
            case RELU -> cudnn_h.CUDNN_ACTIVATION_RELU();
            case RELU6 -> cudnn_h.CUDNN_ACTIVATION_CLIPPED_RELU();
            case SIGMOID -> cudnn_h.CUDNN_ACTIVATION_SIGMOID();
            case TANH -> cudnn_h.CUDNN_ACTIVATION_TANH();
            default -> -1;
        };
    }

    /** The activation code of activations.cu, or -1 for kinds cuDNN or addScaled handle. */
    static int kernelCode(Activation kind) {
        return switch (kind) {
            case LEAKY_RELU -> 0;
            case HARD_SIGMOID -> 1;
            case HARD_SWISH -> 2;
            case GELU_TANH -> 3;
            case GELU_ERF -> 4;
            case SILU -> 5;
            default -> -1;
        };
    }

    static MemorySegment activationDescriptor(int mode, double coef) {
        MemorySegment d = Cudnn.create(cudnn_h::cudnnCreateActivationDescriptor, "cudnnCreateActivationDescriptor");
        try {
            Check.cudnn(cudnn_h.cudnnSetActivationDescriptor(d, mode, cudnn_h.CUDNN_PROPAGATE_NAN(), coef), "cudnnSetActivationDescriptor");
        } catch (RuntimeException e) {
            cudnn_h.cudnnDestroyActivationDescriptor(d);
            throw e;
        }
        return d;
    }

    @Override
    public Activation kind() {
        return kind;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public OperandType operands() {
        return type;
    }

    private Tensor check(String what, Tensor t) {
        return Operands.activation("activation " + kind + " " + what, t, shape, type, ctx.device);
    }

    @Override
    public void forward(float alpha, Tensor x, float beta, Tensor y) {
        ctx.ensureContext();
        check("input", x);
        check("output", y);
        if (descs != null) {
            ctx.cudnn("cudnnActivationForward " + kind, cudnn_h.cudnnActivationForward(ctx.cudnn, activation, ctx.alpha(alpha),
                    descs.of(x), ptr(x), ctx.beta(beta), descs.of(y), ptr(y)));
        } else if (kind == Activation.IDENTITY) {
            CudaPointwise.addScaled(ctx, alpha, x, beta, y);
        } else {
            ctx.launch.elementwise(Kernel.ACTIVATION_FORWARD, x.numel(), forwardArgs(kind, param, type, alpha, x, beta, y));
        }
    }

    @Override
    public void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        ctx.ensureContext();
        check("output gradient", dy);
        check("input gradient", dx);
        if (descs != null) {
            check("input", x);
            check("output", y);
            ctx.cudnn("cudnnActivationBackward " + kind, cudnn_h.cudnnActivationBackward(ctx.cudnn, activation, ctx.alpha(alpha),
                    descs.of(y), ptr(y), descs.of(dy), ptr(dy), descs.of(x), ptr(x), ctx.beta(beta), descs.of(dx), ptr(dx)));
        } else if (kind == Activation.IDENTITY) {
            CudaPointwise.addScaled(ctx, alpha, dy, beta, dx);
        } else {
            check("input", x);
            ctx.launch.elementwise(Kernel.ACTIVATION_BACKWARD, x.numel(), backwardArgs(kind, param, type, alpha, x, dy, beta, dx));
        }
    }

    /** activation_forward's arguments (static, so their kinds are checked against the source without a GPU). */
    static Object[] forwardArgs(Activation kind, float param, OperandType type, float alpha, Tensor x, float beta, Tensor y) {
        return new Object[]{kernelCode(kind), param, KernelOperands.walk(type.format(), x, y), alpha, ref(x), beta, ref(y)};
    }

    static Object[] backwardArgs(Activation kind, float param, OperandType type, float alpha, Tensor x, Tensor dy, float beta, Tensor dx) {
        return new Object[]{kernelCode(kind), param, KernelOperands.walk(type.format(), x, dy, dx), alpha, ref(x), ref(dy), beta, ref(dx)};
    }

    @Override
    public void close() {
        if (descs != null) descs.close();
        if (!activation.equals(MemorySegment.NULL)) cudnn_h.cudnnDestroyActivationDescriptor(activation);
    }
}
