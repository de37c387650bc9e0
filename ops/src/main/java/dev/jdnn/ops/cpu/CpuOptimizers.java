package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.cpu.HostTensors.Rows;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.jdnn.ops.cpu.Vec.L;
import static dev.jdnn.ops.cpu.Vec.S;

/**
 * Fused in-place optimizer updates with torch.optim's exact operation order. Each kernel runs one masked vector
 * loop (the last iteration covers the tail), so the update rule is written once.
 */
final class CpuOptimizers {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private CpuOptimizers() {}

    /**
     * torch.optim.SGD: d = g + wd·p; with momentum, buf = d on the first step, else momentum·buf + (1-dampening)·d,
     * and d = nesterov ? d + momentum·buf : buf; then p -= lr·d.
     */
    static void sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, OptimizerConfig.Sgd cfg, boolean firstStep) {
        boolean momentum = cfg.momentum() != 0f;
        if (momentum && momentumBuffer == null) throw new IllegalArgumentException("sgdStep: momentum " + cfg.momentum() + " needs a momentum buffer, got null");
        Tensor[] ts = momentum ? new Tensor[] {param, grad, momentumBuffer} : new Tensor[] {param, grad};
        Rows[] r = operands("sgdStep", new String[] {"param", "grad", "momentumBuffer"}, ts);
        float wd = cfg.weightDecay(), mu = cfg.momentum(), keep = 1f - cfg.dampening(), negLr = -cfg.lr();
        boolean nesterov = cfg.nesterov();
        MemorySegment ps = r[0].seg(), gs = r[1].seg(), bs = momentum ? r[2].seg() : null;
        long po = r[0].offset(), go = r[1].offset(), bo = momentum ? r[2].offset() : 0;
        Runs.forEach(1, r[0].len(), (row, from, to) -> {
            for (int i = from; i < to; i += L) {
                VectorMask<Float> m = S.indexInRange(i, to);
                FloatVector p = load(ps, po + i, m), d = load(gs, go + i, m);
                if (wd != 0f) d = p.fma(FloatVector.broadcast(S, wd), d);
                if (momentum) {
                    FloatVector buf = firstStep ? d : load(bs, bo + i, m).mul(mu).add(d.mul(keep));
                    store(buf, bs, bo + i, m);
                    d = nesterov ? buf.fma(FloatVector.broadcast(S, mu), d) : buf;
                }
                store(d.fma(FloatVector.broadcast(S, negLr), p), ps, po + i, m);
            }
        });
    }

    /**
     * torch.optim.Adam / AdamW (foreach=False): AdamW first decays p *= 1 - lr·wd, Adam adds wd·p to g;
     * m = lerp(m, g, 1-β1); v = β2·v + (1-β2)·g²; amsgrad keeps vmax = max(vmax, v) and uses it;
     * p -= (lr/bc1) · m / (sqrt(v)/sqrt(bc2) + eps) with bc_i = 1 - β_i^step.
     */
    static void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, OptimizerConfig.Adam cfg, long step) {
        if (step < 1) throw new IllegalArgumentException("adamStep: step counts from 1, got " + step);
        boolean ams = cfg.amsgrad();
        if (ams && maxExpAvgSq == null) throw new IllegalArgumentException("adamStep: amsgrad needs maxExpAvgSq, got null");
        Tensor[] ts = ams ? new Tensor[] {param, grad, expAvg, expAvgSq, maxExpAvgSq} : new Tensor[] {param, grad, expAvg, expAvgSq};
        Rows[] r = operands("adamStep", new String[] {"param", "grad", "expAvg", "expAvgSq", "maxExpAvgSq"}, ts);
        double bc1 = 1 - Math.pow(cfg.beta1(), step), bc2 = 1 - Math.pow(cfg.beta2(), step);
        float negStep = (float) -(cfg.lr() / bc1), bc2Sqrt = (float) Math.sqrt(bc2), eps = cfg.eps();
        float wd = cfg.weightDecay(), decay = (float) (1 - (double) cfg.lr() * wd);
        boolean decoupled = cfg.decoupled() && wd != 0f, l2 = !cfg.decoupled() && wd != 0f;
        float w1 = 1f - cfg.beta1(), b2 = cfg.beta2(), w2 = 1f - cfg.beta2();
        MemorySegment ps = r[0].seg(), gs = r[1].seg(), ms = r[2].seg(), vs = r[3].seg(), xs = ams ? r[4].seg() : null;
        long po = r[0].offset(), go = r[1].offset(), mo = r[2].offset(), vo = r[3].offset(), xo = ams ? r[4].offset() : 0;
        Runs.forEach(1, r[0].len(), (row, from, to) -> {
            for (int i = from; i < to; i += L) {
                VectorMask<Float> k = S.indexInRange(i, to);
                FloatVector p = load(ps, po + i, k), g = load(gs, go + i, k);
                if (decoupled) p = p.mul(decay);
                if (l2) g = p.fma(FloatVector.broadcast(S, wd), g);
                FloatVector m = load(ms, mo + i, k);
                m = g.sub(m).fma(FloatVector.broadcast(S, w1), m);
                FloatVector v = g.mul(g).mul(w2).add(load(vs, vo + i, k).mul(b2));
                store(m, ms, mo + i, k);
                store(v, vs, vo + i, k);
                if (ams) {
                    v = load(xs, xo + i, k).max(v);
                    store(v, xs, xo + i, k);
                }
                FloatVector denom = v.sqrt().div(bc2Sqrt).add(eps);
                store(m.div(denom).fma(FloatVector.broadcast(S, negStep), p), ps, po + i, k);
            }
        });
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

    private static FloatVector load(MemorySegment s, long i, VectorMask<Float> m) {
        return FloatVector.fromMemorySegment(S, s, i * 4, ORDER, m);
    }

    private static void store(FloatVector v, MemorySegment s, long i, VectorMask<Float> m) {
        v.intoMemorySegment(s, i * 4, ORDER, m);
    }
}
