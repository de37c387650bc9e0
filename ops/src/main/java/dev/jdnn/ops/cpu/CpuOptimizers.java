package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Device;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;
import dev.jdnn.ops.cpu.HostTensors.Rows;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.jdnn.ops.cpu.Vec.L;
import static dev.jdnn.ops.cpu.Vec.S;

/**
 * Fused in-place optimizer updates in torch.optim's order of operations (single-tensor, CPU): each float rounding
 * torch makes is made here, and where ATen's CPU kernels fuse a multiply-add (lerp, addcmul, add with alpha) this
 * code calls fma. optimizers.cu spells out the same expressions with explicit rounding intrinsics, so both
 * backends compute the same bits. Each loop is an unmasked vector loop, then the same rule in scalar form for the
 * last (fewer than one vector of) elements. (A loop mixing masked and unmasked loads, or passing vectors to a method
 * the JIT declines to inline, makes C2 box the vectors: ~20x slower.)
 */
final class CpuOptimizers {
    private CpuOptimizers() {}

    private static final String[] SGD_NAMES = {"param", "grad", "momentumBuffer"};
    private static final String[] ADAM_NAMES = {"param", "grad", "expAvg", "expAvgSq", "maxExpAvgSq"};

    /**
     * torch.optim.SGD: g = fma(p, wd, g); with momentum, buf = g on the first step, else fma(g, 1-dampening,
     * buf·momentum), and g = nesterov ? fma(buf, momentum, g) : buf; then p = fma(g, -lr, p). The learning rate and
     * the first-step and apply flags are read from {@code scalars} now.
     */
    static void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, OptimizerConfig.Sgd cfg, Tensor scalars) {
        boolean momentum = cfg.hasMomentum();
        Operands.optimizerStep("sgdStep", Device.CPU, cfg, scalars, SGD_NAMES, new boolean[] {true, true, momentum}, param, grad, momentumBuffer);
        float[] s = read(scalars);
        boolean firstStep = flag("sgdStep", "first-step", s[OptimizerScalars.SGD_FIRST_STEP]);
        if (!flag("sgdStep", "apply", s[OptimizerScalars.SGD_APPLY])) return; // the guard skipped this step
        float wd = cfg.weightDecayF(), mu = cfg.momentumF(), keep = cfg.keep(), negLr = -s[OptimizerScalars.SGD_LR];
        boolean nesterov = cfg.nesterov();
        MemorySegment ps = HostTensors.seg(param), gs = HostTensors.seg(grad), bs = momentum ? HostTensors.seg(momentumBuffer) : null;
        long po = param.offset(), go = grad.offset(), bo = momentum ? momentumBuffer.offset() : 0;
        Runs.forEach(1, Math.toIntExact(param.numel()), (row, from, to) -> {
            int i = from;
            FloatVector vwd = FloatVector.broadcast(S, wd), vmu = FloatVector.broadcast(S, mu), vkeep = FloatVector.broadcast(S, keep),
                    vlr = FloatVector.broadcast(S, negLr);
            for (int up = from + S.loopBound(to - from); i < up; i += L) {
                FloatVector p = Vec.load(ps, po + i), g = Vec.load(gs, go + i);
                if (wd != 0f) g = p.fma(vwd, g);
                if (momentum) {
                    FloatVector buf = firstStep ? g : g.fma(vkeep, Vec.load(bs, bo + i).mul(vmu));
                    Vec.store(buf, bs, bo + i);
                    g = nesterov ? buf.fma(vmu, g) : buf;
                }
                Vec.store(g.fma(vlr, p), ps, po + i);
            }
            for (; i < to; i++) { // the same rule, scalar
                float p = Vec.get(ps, po + i), g = Vec.get(gs, go + i);
                if (wd != 0f) g = Math.fma(p, wd, g);
                if (momentum) {
                    float buf = firstStep ? g : Math.fma(g, keep, Vec.get(bs, bo + i) * mu);
                    Vec.set(bs, bo + i, buf);
                    g = nesterov ? Math.fma(buf, mu, g) : buf;
                }
                Vec.set(ps, po + i, Math.fma(g, negLr, p));
            }
        });
    }

    /**
     * torch.optim.Adam / AdamW, {@code _single_tensor_adam}: AdamW first p = p·decay, Adam g = fma(p, wd, g);
     * m = lerp(m, g, 1-β1) = fma(1-β1, g - m, m); v = fma((1-β2)·g, g, v·β2) (mul_ then addcmul_); amsgrad keeps
     * vmax = max(vmax, v) and uses it; denom = sqrt(v) / bc2Sqrt + eps; p = p + (-stepSize·m) / denom (addcdiv_).
     * stepSize, bc2Sqrt, decay and the apply flag are read from {@code scalars} now.
     */
    static void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, OptimizerConfig.Adam cfg, Tensor scalars) {
        boolean ams = cfg.amsgrad();
        Operands.optimizerStep("adamStep", Device.CPU, cfg, scalars, ADAM_NAMES, new boolean[] {true, true, true, true, ams},
                param, grad, expAvg, expAvgSq, ams ? maxExpAvgSq : null);
        float[] s = read(scalars);
        float bc2Sqrt = s[OptimizerScalars.ADAM_BC2_SQRT];
        if (!(bc2Sqrt > 0f)) throw new IllegalArgumentException("adamStep: bc2Sqrt in stepScalars must be > 0, got " + bc2Sqrt + " (were the step's scalars written?)");
        if (!flag("adamStep", "apply", s[OptimizerScalars.ADAM_APPLY])) return; // the guard skipped this step
        float negStep = -s[OptimizerScalars.ADAM_STEP_SIZE], decay = s[OptimizerScalars.ADAM_DECAY];
        float l2 = cfg.l2(), w1 = cfg.lerpWeight(), b2 = cfg.beta2F(), w2 = cfg.oneMinusBeta2(), eps = cfg.epsF();
        MemorySegment ps = HostTensors.seg(param), gs = HostTensors.seg(grad), ms = HostTensors.seg(expAvg), vs = HostTensors.seg(expAvgSq);
        MemorySegment xs = ams ? HostTensors.seg(maxExpAvgSq) : null;
        long po = param.offset(), go = grad.offset(), mo = expAvg.offset(), vo = expAvgSq.offset(), xo = ams ? maxExpAvgSq.offset() : 0;
        Runs.forEach(1, Math.toIntExact(param.numel()), (row, from, to) -> {
            int i = from;
            FloatVector vl2 = FloatVector.broadcast(S, l2), vw1 = FloatVector.broadcast(S, w1), vw2 = FloatVector.broadcast(S, w2),
                    vb2 = FloatVector.broadcast(S, b2), vstep = FloatVector.broadcast(S, negStep);
            for (int up = from + S.loopBound(to - from); i < up; i += L) {
                FloatVector p = Vec.load(ps, po + i).mul(decay), g = Vec.load(gs, go + i);
                if (l2 != 0f) g = p.fma(vl2, g);
                FloatVector m = Vec.load(ms, mo + i);
                m = g.sub(m).fma(vw1, m);
                FloatVector v = g.mul(vw2).fma(g, Vec.load(vs, vo + i).mul(vb2));
                Vec.store(m, ms, mo + i);
                Vec.store(v, vs, vo + i);
                if (ams) {
                    v = Vec.load(xs, xo + i).max(v);
                    Vec.store(v, xs, xo + i);
                }
                Vec.store(p.add(m.mul(vstep).div(v.sqrt().div(bc2Sqrt).add(eps))), ps, po + i);
            }
            for (; i < to; i++) { // the same rule, scalar
                float p = Vec.get(ps, po + i) * decay, g = Vec.get(gs, go + i);
                if (l2 != 0f) g = Math.fma(p, l2, g);
                float m = Vec.get(ms, mo + i);
                m = Math.fma(g - m, w1, m);
                float v = Math.fma(g * w2, g, Vec.get(vs, vo + i) * b2);
                Vec.set(ms, mo + i, m);
                Vec.set(vs, vo + i, v);
                if (ams) {
                    v = Math.max(Vec.get(xs, xo + i), v);
                    Vec.set(xs, xo + i, v);
                }
                Vec.set(ps, po + i, p + negStep * m / ((float) Math.sqrt(v) / bc2Sqrt + eps));
            }
        });
    }

    /** A 0/1 flag of the step scalars (first step, apply: 0 when the guard skipped the step, see {@link #finiteFlag}). */
    private static boolean flag(String op, String which, float flag) {
        if (flag != 0f && flag != 1f) throw new IllegalArgumentException(op + ": the " + which + " flag in stepScalars must be 0 or 1, got " + flag);
        return flag == 1f;
    }

    /** flagDst[0] = 1 when every value is finite (and, with {@code and}, flagDst[0] was non-zero), else 0. */
    static void finiteFlag(Tensor values, Tensor flagDst, boolean and) {
        Operands.finiteFlag(Device.CPU, values, flagDst);
        MemorySegment vs = HostTensors.seg(values), fs = HostTensors.seg(flagDst);
        boolean finite = !and || Vec.get(fs, flagDst.offset()) != 0f;
        for (long i = 0; finite && i < values.numel(); i++) finite = Float.isFinite(Vec.get(vs, values.offset() + i));
        Vec.set(fs, flagDst.offset(), finite ? 1f : 0f);
    }

    /**
     * torch.nn.utils.clip_grad_norm_: the norm from squares summed in double, rounded to float; then
     * factor = min(1, (1 / (norm + 1e-6)) · maxNorm) in float (torch's {@code max_norm / t} is {@code t.reciprocal() * max_norm})
     * and grads *= factor, skipped when it is 1 (a multiplication by 1 changes nothing).
     */
    static void clipGradNorm(Tensor grads, float maxNorm, Tensor norm) {
        Operands.clipGradNorm(Device.CPU, grads, maxNorm, norm);
        Rows r = Rows.whole(grads);
        float total = (float) Math.sqrt(Vec.sumSquaredDeviations(r.seg(), r.offset(), r.len(), 0f));
        Vec.set(HostTensors.seg(norm), norm.offset(), total);
        float factor = Math.min(1f, 1f / (total + 1e-6f) * maxNorm);
        if (factor != 1f) CpuPointwise.scale(grads, factor);
    }

    /** The step scalars (already checked: contiguous, the right length). */
    private static float[] read(Tensor t) {
        float[] out = new float[Math.toIntExact(t.numel())];
        MemorySegment seg = HostTensors.seg(t);
        for (int i = 0; i < out.length; i++) out[i] = Vec.get(seg, t.offset() + i);
        return out;
    }
}
