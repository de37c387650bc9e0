package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LrnPlan;
import dev.jdnn.ops.LrnSpec;

import java.lang.foreign.MemorySegment;

/**
 * Cross-channel LRN as PyTorch's LocalResponseNorm: the window of channel c is [c - size/2, c + (size-1)/2] (zero
 * padded), s_c = k + alpha/size * Σ_window x², y = x * s^-beta. Parallel over samples; each sample's s (and the
 * backward's per-channel terms) go to a per-thread scratch of 2*C*H*W floats, kept between calls.
 *
 * <p>Backward: dx_i = dy_i * s_i^-beta - 2*alpha*beta/size * x_i * Σ_{c : i in window(c)} dy_c * x_c * s_c^(-beta-1),
 * where i is in window(c) exactly when c lies in [i - (size-1)/2, i + size/2].
 */
final class CpuLrn implements LrnPlan {
    private final LrnSpec spec;
    private final Shape shape;
    private final int channels, plane, before, after;
    private final ThreadLocal<float[]> scratch;

    CpuLrn(LrnSpec spec) {
        this.spec = spec;
        this.shape = spec.shape();
        this.channels = shape.dim(1);
        this.plane = shape.dim(2) * shape.dim(3);
        this.before = spec.size() / 2;
        this.after = (spec.size() - 1) / 2;
        int sampleFloats = Math.toIntExact(2L * channels * plane);
        this.scratch = ThreadLocal.withInitial(() -> new float[sampleFloats]);
    }

    @Override
    public LrnSpec spec() {
        return spec;
    }

    @Override
    public void forward(float alpha, Tensor x, float beta, Tensor y) {
        Planes px = Planes.of("lrn x", x, shape), py = Planes.of("lrn y", y, shape);
        float negBeta = (float) -spec.beta();
        Runs.items(px.batch(), (long) channels * plane * spec.size(), n -> {
            float[] s = scratch.get();
            windowSums(px, n, s);
            for (int c = 0; c < channels; c++) {
                long xo = px.at(n, c), yo = py.at(n, c);
                for (int i = 0; i < plane; i++) {
                    float v = alpha * Vec.get(px.seg(), xo + i) * (float) Math.pow(s[c * plane + i], negBeta);
                    Vec.set(py.seg(), yo + i, beta == 0f ? v : v + beta * Vec.get(py.seg(), yo + i));
                }
            }
        });
    }

    @Override
    public void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        Planes px = Planes.of("lrn x", x, shape), pdy = Planes.of("lrn dy", dy, shape), pdx = Planes.of("lrn dx", dx, shape);
        double b = spec.beta();
        float cross = (float) (2 * spec.alpha() * b / spec.size());
        Runs.items(px.batch(), (long) channels * plane * spec.size(), n -> {
            float[] s = scratch.get();
            int t = channels * plane; // s in [0, t), the per-channel terms dy*x*s^(-beta-1) in [t, 2t)
            windowSums(px, n, s);
            for (int c = 0; c < channels; c++) {
                long xo = px.at(n, c), go = pdy.at(n, c);
                for (int i = 0; i < plane; i++) {
                    s[t + c * plane + i] = (float) (Vec.get(pdy.seg(), go + i) * Vec.get(px.seg(), xo + i) * Math.pow(s[c * plane + i], -b - 1));
                }
            }
            for (int c = 0; c < channels; c++) {
                long xo = px.at(n, c), go = pdy.at(n, c), dO = pdx.at(n, c);
                int lo = Math.max(0, c - after), hi = Math.min(channels - 1, c + before);
                for (int i = 0; i < plane; i++) {
                    double sum = 0;
                    for (int j = lo; j <= hi; j++) sum += s[t + j * plane + i];
                    float xi = Vec.get(px.seg(), xo + i);
                    float g = (float) (Vec.get(pdy.seg(), go + i) * Math.pow(s[c * plane + i], -b) - cross * xi * sum);
                    float v = alpha * g;
                    Vec.set(pdx.seg(), dO + i, beta == 0f ? v : v + beta * Vec.get(pdx.seg(), dO + i));
                }
            }
        });
    }

    /** s[c*plane + i] = k + alpha/size * Σ_{j in window(c)} x[n, j, i]². */
    private void windowSums(Planes px, int n, float[] s) {
        float scale = (float) (spec.alpha() / spec.size()), k = (float) spec.k();
        MemorySegment xs = px.seg();
        for (int c = 0; c < channels; c++) {
            int lo = Math.max(0, c - before), hi = Math.min(channels - 1, c + after);
            int base = c * plane;
            java.util.Arrays.fill(s, base, base + plane, 0f);
            for (int j = lo; j <= hi; j++) {
                long xo = px.at(n, j);
                for (int i = 0; i < plane; i++) {
                    float v = Vec.get(xs, xo + i);
                    s[base + i] += v * v;
                }
            }
            for (int i = 0; i < plane; i++) s[base + i] = k + scale * s[base + i];
        }
    }
}
