package dev.jdnn.networks.graph;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Test support: a backend that runs convolution and linear layers with naive float64 loops and delegates every
 * other op to a real backend. Used only while the real CPU convolution is unavailable (see {@link TestBackends}).
 */
final class NaiveConvLinear {
    private NaiveConvLinear() {}

    static Backend wrap(Backend real) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, (proxy, m, args) -> {
            if (m.getName().equals("conv2d")) return conv(real, (Conv2dSpec) args[0]);
            if (m.getName().equals("linear")) return linear(real, (LinearSpec) args[0]);
            try {
                return m.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private static void store(Backend b, float alpha, double[] op, float beta, Tensor dst) {
        float[] old = beta == 0f ? null : b.download(dst);
        float[] out = new float[op.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (alpha * op[i] + (old == null ? 0 : beta * old[i]));
        b.upload(out, dst);
    }

    private static Conv2dPlan conv(Backend b, Conv2dSpec s) {
        int n = s.batch(), ci = s.inChannels(), h = s.height(), w = s.width(), co = s.outChannels();
        int oh = s.outHeight(), ow = s.outWidth(), g = s.groups(), cig = ci / g, cog = co / g;
        return new Conv2dPlan() {
            public Conv2dSpec spec() { return s; }
            public long workspaceBytes() { return 0; }

            /** Calls f(nIdx, oc, oy, ox, ic, xIndex, wIndex) for every valid tap. */
            void taps(Tap f) {
                for (int b0 = 0; b0 < n; b0++)
                    for (int oc = 0; oc < co; oc++) {
                        int grp = oc / cog;
                        for (int oy = 0; oy < oh; oy++)
                            for (int ox = 0; ox < ow; ox++)
                                for (int icg = 0; icg < cig; icg++)
                                    for (int ky = 0; ky < s.kernelH(); ky++)
                                        for (int kx = 0; kx < s.kernelW(); kx++) {
                                            int iy = oy * s.strideH() - s.padH() + ky * s.dilationH();
                                            int ix = ox * s.strideW() - s.padW() + kx * s.dilationW();
                                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                            int ic = grp * cig + icg;
                                            f.at(((b0 * co + oc) * oh + oy) * ow + ox, ((b0 * ci + ic) * h + iy) * w + ix,
                                                    ((oc * cig + icg) * s.kernelH() + ky) * s.kernelW() + kx);
                                        }
                    }
            }

            public void forward(float alpha, Tensor x, Tensor wt, Tensor bias, float beta, Tensor y, Tensor ws) {
                float[] xv = b.download(x), wv = b.download(wt);
                double[] out = new double[n * co * oh * ow];
                taps((yi, xi, wi) -> out[yi] += (double) xv[xi] * wv[wi]);
                if (bias != null) {
                    float[] bv = b.download(bias);
                    for (int i = 0; i < out.length; i++) out[i] += bv[(i / (oh * ow)) % co];
                }
                store(b, alpha, out, beta, y);
            }

            public void backwardData(float alpha, Tensor dy, Tensor wt, float beta, Tensor dx, Tensor ws) {
                float[] dyv = b.download(dy), wv = b.download(wt);
                double[] out = new double[n * ci * h * w];
                taps((yi, xi, wi) -> out[xi] += (double) dyv[yi] * wv[wi]);
                store(b, alpha, out, beta, dx);
            }

            public void backwardFilter(float alpha, Tensor x, Tensor dy, float beta, Tensor dw, Tensor ws) {
                float[] xv = b.download(x), dyv = b.download(dy);
                double[] out = new double[co * cig * s.kernelH() * s.kernelW()];
                taps((yi, xi, wi) -> out[wi] += (double) dyv[yi] * xv[xi]);
                store(b, alpha, out, beta, dw);
            }

            public void backwardBias(float alpha, Tensor dy, float beta, Tensor db) {
                float[] dyv = b.download(dy);
                double[] out = new double[co];
                for (int i = 0; i < dyv.length; i++) out[(i / (oh * ow)) % co] += dyv[i];
                store(b, alpha, out, beta, db);
            }
        };
    }

    @FunctionalInterface
    private interface Tap {
        void at(int yIndex, int xIndex, int wIndex);
    }

    private static LinearPlan linear(Backend b, LinearSpec s) {
        int n = s.batch(), in = s.inFeatures(), out = s.outFeatures();
        return new LinearPlan() {
            public LinearSpec spec() { return s; }

            public void forward(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y) {
                float[] xv = b.download(x), wv = b.download(w), bv = bias == null ? null : b.download(bias);
                double[] r = new double[n * out];
                for (int i = 0; i < n; i++)
                    for (int o = 0; o < out; o++) {
                        double acc = bv == null ? 0 : bv[o];
                        for (int k = 0; k < in; k++) acc += (double) xv[i * in + k] * wv[o * in + k];
                        r[i * out + o] = acc;
                    }
                store(b, alpha, r, beta, y);
            }

            public void backwardData(float alpha, Tensor dy, Tensor w, float beta, Tensor dx) {
                float[] dyv = b.download(dy), wv = b.download(w);
                double[] r = new double[n * in];
                for (int i = 0; i < n; i++)
                    for (int o = 0; o < out; o++)
                        for (int k = 0; k < in; k++) r[i * in + k] += (double) dyv[i * out + o] * wv[o * in + k];
                store(b, alpha, r, beta, dx);
            }

            public void backwardWeight(float alpha, Tensor x, Tensor dy, float beta, Tensor dw) {
                float[] xv = b.download(x), dyv = b.download(dy);
                double[] r = new double[out * in];
                for (int i = 0; i < n; i++)
                    for (int o = 0; o < out; o++)
                        for (int k = 0; k < in; k++) r[o * in + k] += (double) dyv[i * out + o] * xv[i * in + k];
                store(b, alpha, r, beta, dw);
            }

            public void backwardBias(float alpha, Tensor dy, float beta, Tensor db) {
                float[] dyv = b.download(dy);
                double[] r = new double[out];
                for (int i = 0; i < n; i++) for (int o = 0; o < out; o++) r[o] += dyv[i * out + o];
                store(b, alpha, r, beta, db);
            }
        };
    }
}
