package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LrnPlan;
import dev.jdnn.ops.LrnSpec;
import dev.jdnn.ops.Operands;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.lang.foreign.MemorySegment;

import static dev.jdnn.ops.cpu.Vec.L;
import static dev.jdnn.ops.cpu.Vec.S;

/**
 * Cross-channel LRN as PyTorch's LocalResponseNorm: the window of channel c is [c - size/2, c + (size-1)/2] (zero
 * padded), s_c = k + alpha/size * Σ_window x², y = x * s^-beta. Parallel over samples, vectorised along H*W; each
 * sample's s (and the backward's per-channel terms) go to per-thread heap scratch of 2*C*H*W floats.
 *
 * <p>Backward: dx_i = dy_i * s_i^-beta - 2*alpha*beta/size * x_i * Σ_{c : i in window(c)} dy_c * x_c * s_c^(-beta-1),
 * where i is in window(c) exactly when c lies in [i - (size-1)/2, i + size/2].
 */
final class CpuLrn implements LrnPlan {
    private final LrnSpec spec;
    private final Shape shape;
    private final int channels, plane, before, after;
    private final float scale, k, negBeta, cross;
    private final ThreadLocal<float[]> scratch;

    CpuLrn(LrnSpec spec) {
        this.spec = spec;
        this.shape = spec.shape();
        this.channels = shape.dim(1);
        this.plane = shape.dim(2) * shape.dim(3);
        this.before = spec.size() / 2;
        this.after = (spec.size() - 1) / 2;
        this.scale = (float) (spec.alpha() / spec.size());
        this.k = (float) spec.k();
        this.negBeta = (float) -spec.beta();
        this.cross = (float) (2 * spec.alpha() * spec.beta() / spec.size());
        int sampleFloats = Math.toIntExact(2L * channels * plane);
        this.scratch = ThreadLocal.withInitial(() -> new float[sampleFloats]);
    }

    @Override
    public LrnSpec spec() {
        return spec;
    }

    @Override
    public void forward(float alpha, Tensor x, float beta, Tensor y) {
        Operands.activation("lrn x", x, shape, spec.operands(), Device.CPU);
        Operands.activation("lrn y", y, shape, spec.operands(), Device.CPU);
        try (Staging s = new Staging()) {
            forward32(alpha, s.in(x), beta, s.out(y, beta != 0f));
            s.commit();
        }
    }

    private void forward32(float alpha, Tensor x, float beta, Tensor y) {
        Planes px = Planes.of("lrn x", x, shape), py = Planes.of("lrn y", y, shape);
        Runs.items(px.batch(), (long) channels * plane * spec.size(), n -> {
            float[] s = scratch.get();
            windowSums(px, n, s);
            MemorySegment xs = px.seg(), ys = py.seg();
            for (int c = 0; c < channels; c++) {
                long xo = px.at(n, c), yo = py.at(n, c);
                for (int i = 0; i < plane; i += L) {
                    VectorMask<Float> m = Vec.tail(i, plane);
                    FloatVector v = Vec.load(xs, xo + i, m).mul(pow(Vec.load(s, c * plane + i, m), negBeta)).mul(alpha);
                    if (beta != 0f) v = Vec.load(ys, yo + i, m).fma(FloatVector.broadcast(S, beta), v);
                    Vec.store(v, ys, yo + i, m);
                }
            }
        });
    }

    @Override
    public void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        Operands.activation("lrn x", x, shape, spec.operands(), Device.CPU);
        Operands.activation("lrn dy", dy, shape, spec.operands(), Device.CPU);
        Operands.activation("lrn dx", dx, shape, spec.operands(), Device.CPU);
        try (Staging s = new Staging()) {
            backward32(alpha, s.in(x), y, s.in(dy), beta, s.out(dx, beta != 0f));
            s.commit();
        }
    }

    private void backward32(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        Planes px = Planes.of("lrn x", x, shape), pdy = Planes.of("lrn dy", dy, shape), pdx = Planes.of("lrn dx", dx, shape);
        int t = channels * plane; // scratch: s (then s^-beta) in [0, t), the terms dy*x*s^(-beta-1) in [t, 2t)
        Runs.items(px.batch(), (long) channels * plane * spec.size(), n -> {
            float[] s = scratch.get();
            windowSums(px, n, s);
            MemorySegment xs = px.seg(), gs = pdy.seg(), ds = pdx.seg();
            for (int c = 0; c < channels; c++) {
                long xo = px.at(n, c), go = pdy.at(n, c);
                for (int i = 0; i < plane; i += L) {
                    VectorMask<Float> m = Vec.tail(i, plane);
                    FloatVector sv = Vec.load(s, c * plane + i, m), scaled = pow(sv, negBeta);
                    Vec.store(scaled, s, c * plane + i, m); // s is needed from here on only as s^-beta
                    FloatVector term = Vec.load(gs, go + i, m).mul(Vec.load(xs, xo + i, m)).mul(scaled).div(sv);
                    Vec.store(term, s, t + c * plane + i, m);
                }
            }
            for (int c = 0; c < channels; c++) {
                long xo = px.at(n, c), go = pdy.at(n, c), dO = pdx.at(n, c);
                int lo = Math.max(0, c - after), hi = Math.min(channels - 1, c + before);
                for (int i = 0; i < plane; i += L) {
                    VectorMask<Float> m = Vec.tail(i, plane);
                    FloatVector sum = FloatVector.zero(S);
                    for (int j = lo; j <= hi; j++) sum = sum.add(Vec.load(s, t + j * plane + i, m));
                    FloatVector g = Vec.load(gs, go + i, m).mul(Vec.load(s, c * plane + i, m))
                            .sub(Vec.load(xs, xo + i, m).mul(sum).mul(cross));
                    FloatVector v = g.mul(alpha);
                    if (beta != 0f) v = Vec.load(ds, dO + i, m).fma(FloatVector.broadcast(S, beta), v);
                    Vec.store(v, ds, dO + i, m);
                }
            }
        });
    }

    /** s^p as exp(p·log s), with {@link VecMath}'s bit-reproducible exp and log (the Vector API's POW is slow). */
    private static FloatVector pow(FloatVector s, float p) {
        return VecMath.exp(VecMath.log(s).mul(p));
    }

    /** s[c*plane + i] = k + alpha/size * Σ_{j in window(c)} x[n, j, i]². */
    private void windowSums(Planes px, int n, float[] s) {
        MemorySegment xs = px.seg();
        for (int c = 0; c < channels; c++) {
            int lo = Math.max(0, c - before), hi = Math.min(channels - 1, c + after);
            for (int i = 0; i < plane; i += L) {
                VectorMask<Float> m = Vec.tail(i, plane);
                FloatVector acc = FloatVector.zero(S);
                for (int j = lo; j <= hi; j++) {
                    FloatVector v = Vec.load(xs, px.at(n, j) + i, m);
                    acc = v.fma(v, acc);
                }
                Vec.store(acc.mul(scale).add(k), s, c * plane + i, m);
            }
        }
    }
}
