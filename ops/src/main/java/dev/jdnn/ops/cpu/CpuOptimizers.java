package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;
import dev.jdnn.ops.cpu.HostTensors.Rows;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static dev.jdnn.ops.cpu.Vec.L;
import static dev.jdnn.ops.cpu.Vec.S;

/**
 * Fused in-place optimizer updates with torch.optim's exact operation order: an unmasked vector loop, then the
 * same rule in scalar form for the last (fewer than one vector of) elements. (A loop mixing masked and unmasked
 * loads, or passing vectors to a method the JIT declines to inline, makes C2 box the vectors: ~20x slower.)
 */
final class CpuOptimizers {
    private CpuOptimizers() {}

    /**
     * torch.optim.SGD: d = g + wd·p; with momentum, buf = d on the first step, else momentum·buf + (1-dampening)·d,
     * and d = nesterov ? d + momentum·buf : buf; then p -= lr·d.
     */
    static void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, OptimizerConfig.Sgd cfg, boolean firstStep) {
        boolean momentum = cfg.momentum() != 0f;
        Rows[] r = sgdOperands(param, grad, momentumBuffer, cfg);
        float wd = cfg.weightDecay(), mu = cfg.momentum(), keep = 1f - cfg.dampening(), negLr = -cfg.lr();
        boolean nesterov = cfg.nesterov();
        MemorySegment ps = r[0].seg(), gs = r[1].seg(), bs = momentum ? r[2].seg() : null;
        long po = r[0].offset(), go = r[1].offset(), bo = momentum ? r[2].offset() : 0;
        Runs.forEach(1, r[0].len(), (row, from, to) -> {
            int i = from;
            FloatVector vwd = FloatVector.broadcast(S, wd), vmu = FloatVector.broadcast(S, mu), vlr = FloatVector.broadcast(S, negLr);
            for (int up = from + S.loopBound(to - from); i < up; i += L) {
                FloatVector p = Vec.load(ps, po + i), d = Vec.load(gs, go + i);
                if (wd != 0f) d = p.fma(vwd, d);
                if (momentum) {
                    FloatVector buf = firstStep ? d : Vec.load(bs, bo + i).mul(mu).add(d.mul(keep));
                    Vec.store(buf, bs, bo + i);
                    d = nesterov ? buf.fma(vmu, d) : buf;
                }
                Vec.store(d.fma(vlr, p), ps, po + i);
            }
            for (; i < to; i++) { // the same rule, scalar
                float p = Vec.get(ps, po + i), d = Vec.get(gs, go + i);
                if (wd != 0f) d = Math.fma(p, wd, d);
                if (momentum) {
                    float buf = firstStep ? d : Vec.get(bs, bo + i) * mu + d * keep;
                    Vec.set(bs, bo + i, buf);
                    d = nesterov ? Math.fma(buf, mu, d) : buf;
                }
                Vec.set(ps, po + i, Math.fma(d, negLr, p));
            }
        });
    }

    private static Rows[] sgdOperands(Tensor param, Tensor grad, Tensor momentumBuffer, OptimizerConfig.Sgd cfg) {
        boolean momentum = cfg.momentum() != 0f;
        if (momentum && momentumBuffer == null) throw new IllegalArgumentException("sgdStep: momentum " + cfg.momentum() + " needs a momentum buffer, got null");
        Tensor[] ts = momentum ? new Tensor[] {param, grad, momentumBuffer} : new Tensor[] {param, grad};
        return operands("sgdStep", new String[] {"param", "grad", "momentumBuffer"}, ts);
    }

    /**
     * As {@link #sgdStep(Tensor, Tensor, Tensor, OptimizerConfig.Sgd, boolean)}, the learning rate and first-step
     * flag read from {@code scalars} (see {@link OptimizerScalars}) now: the same arithmetic on the same values.
     * With apply = 0 the operands are checked and nothing changes.
     */
    static void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, OptimizerConfig.Sgd cfg, Tensor scalars) {
        float[] s = scalars("sgdStep", scalars, OptimizerScalars.SGD_LENGTH, cfg.lr());
        float first = s[OptimizerScalars.SGD_FIRST_STEP];
        if (first != 0f && first != 1f) throw new IllegalArgumentException("sgdStep: the first-step flag in stepScalars must be 0 or 1, got " + first);
        if (!apply("sgdStep", s[OptimizerScalars.SGD_APPLY])) {
            sgdOperands(param, grad, momentumBuffer, cfg);
            return;
        }
        var withLr = new OptimizerConfig.Sgd(s[OptimizerScalars.SGD_LR], cfg.momentum(), cfg.dampening(), cfg.weightDecay(), cfg.nesterov());
        sgdStep(param, grad, momentumBuffer, withLr, first == 1f);
    }

    /**
     * torch.optim.Adam / AdamW (foreach=False): AdamW first decays p *= 1 - lr·wd, Adam adds wd·p to g;
     * m = lerp(m, g, 1-β1); v = β2·v + (1-β2)·g²; amsgrad keeps vmax = max(vmax, v) and uses it;
     * p -= (lr/bc1) · m / (sqrt(v)/sqrt(bc2) + eps) with bc_i = 1 - β_i^step.
     */
    static void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, OptimizerConfig.Adam cfg, long step) {
        if (step < 1) throw new IllegalArgumentException("adamStep: step counts from 1, got " + step);
        adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, cfg, OptimizerScalars.stepSize(cfg.lr(), cfg.beta1(), step), OptimizerScalars.bc2Sqrt(cfg.beta2(), step));
    }

    /**
     * As the host-scalar {@code adamStep}, learning rate, step size and bc2Sqrt read from {@code scalars} now. With
     * apply = 0 the operands are checked and nothing changes.
     */
    static void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, OptimizerConfig.Adam cfg, Tensor scalars) {
        float[] s = scalars("adamStep", scalars, OptimizerScalars.ADAM_LENGTH, cfg.lr());
        float bc2Sqrt = s[OptimizerScalars.ADAM_BC2_SQRT];
        if (!(bc2Sqrt > 0f)) throw new IllegalArgumentException("adamStep: bc2Sqrt in stepScalars must be > 0, got " + bc2Sqrt + " (were the step's scalars written?)");
        if (!apply("adamStep", s[OptimizerScalars.ADAM_APPLY])) {
            adamOperands(param, grad, expAvg, expAvgSq, maxExpAvgSq, cfg);
            return;
        }
        var withLr = new OptimizerConfig.Adam(s[OptimizerScalars.ADAM_LR], cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.weightDecay(), cfg.decoupled(), cfg.amsgrad());
        adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, withLr, s[OptimizerScalars.ADAM_STEP_SIZE], bc2Sqrt);
    }

    /** stepSize = lr / (1 - β1^step) and bc2Sqrt = sqrt(1 - β2^step), already rounded to float (see {@link OptimizerScalars}). */
    private static void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, OptimizerConfig.Adam cfg,
                                 float stepSize, float bc2Sqrt) {
        boolean ams = cfg.amsgrad();
        Rows[] r = adamOperands(param, grad, expAvg, expAvgSq, maxExpAvgSq, cfg);
        float wd = cfg.weightDecay();
        float negStep = -stepSize, eps = cfg.eps();
        float decay = (float) (1 - (double) cfg.lr() * wd);
        boolean decoupled = cfg.decoupled() && wd != 0f, l2 = !cfg.decoupled() && wd != 0f;
        float w1 = 1f - cfg.beta1(), b2 = cfg.beta2(), w2 = 1f - cfg.beta2();
        MemorySegment ps = r[0].seg(), gs = r[1].seg(), ms = r[2].seg(), vs = r[3].seg(), xs = ams ? r[4].seg() : null;
        long po = r[0].offset(), go = r[1].offset(), mo = r[2].offset(), vo = r[3].offset(), xo = ams ? r[4].offset() : 0;
        Runs.forEach(1, r[0].len(), (row, from, to) -> {
            int i = from;
            FloatVector vwd = FloatVector.broadcast(S, wd), vw1 = FloatVector.broadcast(S, w1), vstep = FloatVector.broadcast(S, negStep);
            for (int up = from + S.loopBound(to - from); i < up; i += L) {
                FloatVector p = Vec.load(ps, po + i), g = Vec.load(gs, go + i);
                if (decoupled) p = p.mul(decay);
                if (l2) g = p.fma(vwd, g);
                FloatVector m = Vec.load(ms, mo + i);
                m = g.sub(m).fma(vw1, m);
                FloatVector v = g.mul(g).mul(w2).add(Vec.load(vs, vo + i).mul(b2));
                Vec.store(m, ms, mo + i);
                Vec.store(v, vs, vo + i);
                if (ams) {
                    v = Vec.load(xs, xo + i).max(v);
                    Vec.store(v, xs, xo + i);
                }
                Vec.store(m.div(v.sqrt().div(bc2Sqrt).add(eps)).fma(vstep, p), ps, po + i);
            }
            for (; i < to; i++) { // the same rule, scalar
                float p = Vec.get(ps, po + i), g = Vec.get(gs, go + i);
                if (decoupled) p *= decay;
                if (l2) g = Math.fma(p, wd, g);
                float m = Vec.get(ms, mo + i);
                m = Math.fma(g - m, w1, m);
                float v = g * g * w2 + Vec.get(vs, vo + i) * b2;
                Vec.set(ms, mo + i, m);
                Vec.set(vs, vo + i, v);
                if (ams) {
                    v = Math.max(Vec.get(xs, xo + i), v);
                    Vec.set(xs, xo + i, v);
                }
                Vec.set(ps, po + i, Math.fma(m / ((float) Math.sqrt(v) / bc2Sqrt + eps), negStep, p));
            }
        });
    }

    private static Rows[] adamOperands(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, OptimizerConfig.Adam cfg) {
        boolean ams = cfg.amsgrad();
        if (ams && maxExpAvgSq == null) throw new IllegalArgumentException("adamStep: amsgrad needs maxExpAvgSq, got null");
        Tensor[] ts = ams ? new Tensor[] {param, grad, expAvg, expAvgSq, maxExpAvgSq} : new Tensor[] {param, grad, expAvg, expAvgSq};
        return operands("adamStep", new String[] {"param", "grad", "expAvg", "expAvgSq", "maxExpAvgSq"}, ts);
    }

    /** The apply slot of the step scalars: 1 updates, 0 skips the step (its loss was not finite, see {@link #finiteFlag}). */
    private static boolean apply(String op, float flag) {
        if (flag != 0f && flag != 1f) throw new IllegalArgumentException(op + ": the apply flag in stepScalars must be 0 or 1, got " + flag);
        return flag == 1f;
    }

    /** flagDst[0] = 1 when every value is finite (and, with {@code and}, flagDst[0] was non-zero), else 0. */
    static void finiteFlag(Tensor values, Tensor flagDst, boolean and) {
        HostTensors.floats("finiteFlag values", values);
        HostTensors.requireContiguous("finiteFlag values", values);
        HostTensors.floats("finiteFlag flag", flagDst);
        if (flagDst.numel() != 1) throw new IllegalArgumentException("finiteFlag: the flag must be one float, got " + flagDst.describe());
        MemorySegment vs = HostTensors.seg(values), fs = HostTensors.seg(flagDst);
        boolean finite = !and || Vec.get(fs, flagDst.offset()) != 0f;
        for (long i = 0; finite && i < values.numel(); i++) finite = Float.isFinite(Vec.get(vs, values.offset() + i));
        Vec.set(fs, flagDst.offset(), finite ? 1f : 0f);
    }

    /** The step scalars, read from a contiguous float32 host tensor of exactly {@code length} elements. */
    private static float[] scalars(String op, Tensor t, int length, float configLr) {
        if (configLr != 0f) throw new IllegalArgumentException(op + " with stepScalars reads the learning rate from them: config.lr() must be 0, got " + configLr);
        HostTensors.floats(op + " stepScalars", t);
        HostTensors.requireContiguous(op + " stepScalars", t);
        if (t.numel() != length) throw new IllegalArgumentException(op + ": stepScalars must hold " + length + " floats (see OptimizerScalars), got " + t.describe());
        float[] out = new float[length];
        MemorySegment seg = HostTensors.seg(t);
        for (int i = 0; i < length; i++) out[i] = Vec.get(seg, t.offset() + i);
        return out;
    }

    private static Rows[] operands(String op, String[] names, Tensor... ts) {
        for (int i = 0; i < ts.length; i++) {
            HostTensors.floats(op + " " + names[i], ts[i]);
            HostTensors.requireContiguous(op + " " + names[i], ts[i]);
            if (i > 0) HostTensors.sameShape(op, ts[0], names[0], ts[i], names[i]);
        }
        Rows[] r = new Rows[ts.length];
        for (int i = 0; i < ts.length; i++) r[i] = Rows.whole(ts[i]);
        return r;
    }
}
