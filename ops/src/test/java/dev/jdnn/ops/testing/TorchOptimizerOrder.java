package dev.jdnn.ops.testing;

import dev.jdnn.ops.OptimizerConfig;

/**
 * torch.optim's single-tensor updates ({@code _single_tensor_sgd}, {@code _single_tensor_adam}) transcribed in
 * scalar float32, one rounding per ATen op: Python-float hyper-parameters and per-step values are computed in double
 * and converted to float where torch passes them to a float32 tensor op, and where ATen's CPU kernels fuse a
 * multiply-add — lerp (start + weight·(end-start) for weight &lt; 0.5), addcmul, add/add_ with alpha — this calls
 * {@link Math#fma}. (Measured against torch 2.14 on AVX-512 by ci/pytorch/make_optimizer_fixture.py's fixture: SGD
 * matches bit for bit; Adam matches but for torch's sqrt, which is not correctly rounded there.)
 *
 * <p>Written apart from the backends as the reference their order of operations is held to, bit for bit.
 */
public final class TorchOptimizerOrder {
    private TorchOptimizerOrder() {}

    /** One SGD step at learning rate {@code lr}; {@code step} counts from 1 (step 1 initialises the momentum buffer). */
    public static void sgd(float[] p, float[] g, float[] buf, OptimizerConfig.Sgd c, double lr, long step) {
        for (int i = 0; i < p.length; i++) {
            float d = g[i];
            if (c.weightDecay() != 0) d = Math.fma(p[i], (float) c.weightDecay(), d);       // grad.add(param, alpha=wd)
            if (c.momentum() != 0) {
                buf[i] = step == 1 ? d                                                          // clone(grad)
                        : Math.fma(d, (float) (1 - c.dampening()), buf[i] * (float) c.momentum()); // buf.mul_(m).add_(g, alpha=1-d)
                d = c.nesterov() ? Math.fma(buf[i], (float) c.momentum(), d) : buf[i];          // grad.add(buf, alpha=m)
            }
            p[i] = Math.fma(d, (float) -lr, p[i]);                                              // param.add_(grad, alpha=-lr)
        }
    }

    /** One Adam/AdamW step at learning rate {@code lr}; {@code step} counts from 1; vmax only with amsgrad. */
    public static void adam(float[] p, float[] g, float[] m, float[] v, float[] vmax, OptimizerConfig.Adam c, double lr, long step) {
        double bc1 = 1 - Math.pow(c.beta1(), step), bc2 = 1 - Math.pow(c.beta2(), step);
        double stepSize = lr / bc1, bc2Sqrt = Math.pow(bc2, 0.5);
        for (int i = 0; i < p.length; i++) {
            float d = g[i];
            if (c.weightDecay() != 0) {
                if (c.decoupled()) p[i] = p[i] * (float) (1 - lr * c.weightDecay());           // param.mul_(1 - lr*wd)
                else d = Math.fma(p[i], (float) c.weightDecay(), d);                           // grad.add(param, alpha=wd)
            }
            m[i] = Math.fma((float) (1 - c.beta1()), d - m[i], m[i]);                           // exp_avg.lerp_(grad, 1-beta1)
            v[i] = Math.fma((float) (1 - c.beta2()) * d, d, v[i] * (float) c.beta2());          // exp_avg_sq.mul_(b2).addcmul_(g, g, value=1-b2)
            float second = v[i];
            if (c.amsgrad()) second = vmax[i] = Math.max(vmax[i], v[i]);                        // torch.maximum(max, v, out=max)
            float denom = (float) Math.sqrt(second) / (float) bc2Sqrt + (float) c.eps();        // (v.sqrt() / bc2_sqrt).add_(eps)
            p[i] = p[i] + (float) -stepSize * m[i] / denom;                                     // param.addcdiv_(m, denom, value=-step_size)
        }
    }
}
