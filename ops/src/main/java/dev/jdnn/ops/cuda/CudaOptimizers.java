package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OptimizerConfig;

/**
 * Fused SGD and Adam/AdamW (optimizers.cu) over flat contiguous buffers; the float4 variants run when every buffer
 * is 16-byte aligned and the length is a multiple of 4 (parameters allocated whole always are).
 */
final class CudaOptimizers {
    private CudaOptimizers() {}

    /** The float4 kernels need n % 4 == 0 and every buffer 16-byte aligned (a parameter group at any offset of a flat buffer may not be). */
    static boolean vectorisable(long n, Tensor... ts) {
        if (n % 4 != 0) return false;
        for (Tensor t : ts) if (t != null && t.address() % 16 != 0) return false;
        return true;
    }

    private static void operand(CudaContext ctx, Tensor t, Tensor param, String what) {
        Operands.contiguous(t, what, param.shape(), ctx.device);
    }

    static void sgd(CudaContext ctx, Tensor p, Tensor g, Tensor buf, OptimizerConfig.Sgd c, boolean firstStep) {
        operand(ctx, p, p, "sgd parameter");
        operand(ctx, g, p, "sgd gradient");
        boolean momentum = c.momentum() != 0f;
        if (momentum) {
            if (buf == null) throw new IllegalArgumentException("sgd with momentum " + c.momentum() + " needs a momentum buffer, got null");
            operand(ctx, buf, p, "sgd momentum buffer");
        }
        long n = p.numel();
        Object[] tail = {c.lr(), c.momentum(), c.dampening(), c.weightDecay(), c.nesterov() ? 1 : 0, firstStep ? 1 : 0};
        Tensor b = momentum ? buf : null;
        if (vectorisable(n, p, g, b)) ctx.launch.elementwise(Kernel.SGD_STEP_VEC4, n / 4, concat(new Object[]{n / 4, p, g, b}, tail));
        else ctx.launch.elementwise(Kernel.SGD_STEP, n, concat(new Object[]{n, p, g, b}, tail));
    }

    static void adam(CudaContext ctx, Tensor p, Tensor g, Tensor m, Tensor v, Tensor vmax, OptimizerConfig.Adam c, long step) {
        if (step < 1) throw new IllegalArgumentException("adam step counts from 1, got " + step);
        operand(ctx, p, p, "adam parameter");
        operand(ctx, g, p, "adam gradient");
        operand(ctx, m, p, "adam first moment");
        operand(ctx, v, p, "adam second moment");
        if (c.amsgrad()) {
            if (vmax == null) throw new IllegalArgumentException("amsgrad needs a max-second-moment buffer, got null");
            operand(ctx, vmax, p, "adam max second moment");
        }
        // Bias corrections in double on the host, as torch computes them in Python floats.
        double bc1 = 1.0 - Math.pow(c.beta1(), step), bc2 = 1.0 - Math.pow(c.beta2(), step);
        float stepSize = (float) (c.lr() / bc1), bc2Sqrt = (float) Math.sqrt(bc2);
        long n = p.numel();
        Tensor mx = c.amsgrad() ? vmax : null;
        Object[] tail = {c.lr(), c.beta1(), c.beta2(), c.eps(), c.weightDecay(), c.decoupled() ? 1 : 0, c.amsgrad() ? 1 : 0, stepSize, bc2Sqrt};
        if (vectorisable(n, p, g, m, v, mx)) ctx.launch.elementwise(Kernel.ADAM_STEP_VEC4, n / 4, concat(new Object[]{n / 4, p, g, m, v, mx}, tail));
        else ctx.launch.elementwise(Kernel.ADAM_STEP, n, concat(new Object[]{n, p, g, m, v, mx}, tail));
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
