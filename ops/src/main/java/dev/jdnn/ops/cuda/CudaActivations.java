package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.Operands;

import static dev.jdnn.ops.cuda.KernelOperands.ref;

/**
 * Activations as the NVRTC kernels of activations.cu, for every kind, every layout and every storage type (the plan's
 * {@link OperandType}: Walk/Ref operands, float32 arithmetic); IDENTITY is y = alpha*x + beta*y (addScaled).
 * cuDNN's activation functions are not used: on the GPU, cudnnActivationBackward refused strided and in-place operands
 * that the graph produces (a ReLU on a channel slice of a concat buffer: CUDNN_STATUS_NOT_SUPPORTED), and its ReLU
 * derivative at 0 is 1 where PyTorch's (and the CPU backend's) is 0. The kernels follow the CPU backend exactly: NaN
 * propagates, derivatives at the kinks as PyTorch, sigmoid and tanh differentiated from y.
 */
final class CudaActivations implements ActivationPlan {
    private final CudaContext ctx;
    private final Activation kind;
    private final float param;
    private final Shape shape;
    private final OperandType type;

    CudaActivations(CudaContext ctx, Activation kind, float param, Shape shape, OperandType type) {
        if (kind == null) throw new IllegalArgumentException("activation kind is null");
        java.util.Objects.requireNonNull(type, "activation operand type").requireFits("activation " + kind, shape);
        this.ctx = ctx;
        this.kind = kind;
        this.param = param;
        this.shape = shape;
        this.type = type;
    }

    /** The activation code of activations.cu (its ACT_* defines), or -1 for IDENTITY (addScaled). */
    static int kernelCode(Activation kind) {
        return switch (kind) {
            case LEAKY_RELU -> 0;
            case HARD_SIGMOID -> 1;
            case HARD_SWISH -> 2;
            case GELU_TANH -> 3;
            case GELU_ERF -> 4;
            case SILU -> 5;
            case RELU -> 6;
            case RELU6 -> 7;
            case SIGMOID -> 8;
            case TANH -> 9;
            case IDENTITY -> -1;
        };
    }

    /** activation_forward's arguments (static, so they are checked against the source, and emulated, without a GPU). */
    static Object[] forwardArgs(Activation kind, float param, OperandType type, float alpha, Tensor x, float beta, Tensor y) {
        return new Object[]{kernelCode(kind), param, KernelOperands.walk(type.format(), x, y), alpha, ref(x), beta, ref(y)};
    }

    static Object[] backwardArgs(Activation kind, float param, OperandType type, float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        return new Object[]{kernelCode(kind), param, KernelOperands.walk(type.format(), x, y, dy, dx), alpha, ref(x), ref(y), ref(dy), beta, ref(dx)};
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

    private void check(String what, Tensor t) {
        Operands.activation("activation " + kind + " " + what, t, shape, type, ctx.device);
    }

    @Override
    public void forward(float alpha, Tensor x, float beta, Tensor y) {
        ctx.ensureContext();
        check("input", x);
        check("output", y);
        if (kind == Activation.IDENTITY) {
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
        if (kind == Activation.IDENTITY) {
            CudaPointwise.addScaled(ctx, alpha, dy, beta, dx);
        } else {
            check("input", x);
            check("output", y);
            ctx.launch.elementwise(Kernel.ACTIVATION_BACKWARD, x.numel(), backwardArgs(kind, param, type, alpha, x, y, dy, beta, dx));
        }
    }
}
