package dev.jdnn.ops.testing;

import dev.jdnn.ops.Activation;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.PoolSpec;

/**
 * Naive float64 forward implementations written straight from the PyTorch definitions, independent of any backend:
 * the references for forward checks and, differentiated by {@link FiniteDifferences}, for backward checks.
 * NCHW arrays are contiguous row-major.
 */
public final class Reference {
    private Reference() {}

    // ---- convolution and linear layers ----

    /** Naive float64 convolution, straight from the definition. */
    public static double[] conv2d(Conv2dSpec s, double[] x, double[] w, double[] b) {
        int cg = s.inChannels() / s.groups(), kg = s.outChannels() / s.groups(), p = s.outHeight(), q = s.outWidth();
        double[] y = new double[Math.toIntExact(s.outputShape().numel())];
        for (int n = 0; n < s.batch(); n++)
            for (int k = 0; k < s.outChannels(); k++)
                for (int oh = 0; oh < p; oh++)
                    for (int ow = 0; ow < q; ow++) {
                        double sum = b == null ? 0 : b[k];
                        int g = k / kg;
                        for (int c = 0; c < cg; c++)
                            for (int r = 0; r < s.kernelH(); r++)
                                for (int v = 0; v < s.kernelW(); v++) {
                                    int ih = oh * s.strideH() - s.padH() + r * s.dilationH();
                                    int iw = ow * s.strideW() - s.padW() + v * s.dilationW();
                                    if (ih < 0 || ih >= s.height() || iw < 0 || iw >= s.width()) continue;
                                    sum += x[((n * s.inChannels() + g * cg + c) * s.height() + ih) * s.width() + iw]
                                            * w[((k * cg + c) * s.kernelH() + r) * s.kernelW() + v];
                                }
                        y[((n * s.outChannels() + k) * p + oh) * q + ow] = sum;
                    }
        return y;
    }

    /**
     * {dL/dx, dL/dw, dL/db} for the shape too big for per-element finite differences: the float64 adjoint of
     * {@link #conv2d} (the same loops, accumulating backwards), checked against finite differences by CpuConv2dTest.
     */
    public static double[][] conv2dAdjoint(Conv2dSpec s, double[] x, double[] w, double[] dy) {
        int cg = s.inChannels() / s.groups(), kg = s.outChannels() / s.groups(), p = s.outHeight(), q = s.outWidth();
        double[] dx = new double[x.length], dw = new double[w.length], db = new double[s.outChannels()];
        for (int n = 0; n < s.batch(); n++)
            for (int k = 0; k < s.outChannels(); k++)
                for (int oh = 0; oh < p; oh++)
                    for (int ow = 0; ow < q; ow++) {
                        double g = dy[((n * s.outChannels() + k) * p + oh) * q + ow];
                        db[k] += g;
                        for (int c = 0; c < cg; c++)
                            for (int r = 0; r < s.kernelH(); r++)
                                for (int v = 0; v < s.kernelW(); v++) {
                                    int ih = oh * s.strideH() - s.padH() + r * s.dilationH();
                                    int iw = ow * s.strideW() - s.padW() + v * s.dilationW();
                                    if (ih < 0 || ih >= s.height() || iw < 0 || iw >= s.width()) continue;
                                    int xi = ((n * s.inChannels() + k / kg * cg + c) * s.height() + ih) * s.width() + iw;
                                    int wi = ((k * cg + c) * s.kernelH() + r) * s.kernelW() + v;
                                    dx[xi] += g * w[wi];
                                    dw[wi] += g * x[xi];
                                }
                    }
        return new double[][] {dx, dw, db};
    }

    /** y[b, o] = Σ_i x[b, i]·w[o, i] + bias[o] (bias may be null). */
    public static double[] linear(int batch, int in, int out, double[] x, double[] w, double[] bias) {
        double[] y = new double[batch * out];
        for (int b = 0; b < batch; b++)
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) s += x[b * in + i] * w[o * in + i];
                y[b * out + o] = s;
            }
        return y;
    }

    /** {dL/dx, dL/dw, dL/db} of L = Σ y·dy for {@link #linear}. */
    public static double[][] linearAdjoint(int batch, int in, int out, double[] x, double[] w, double[] dy) {
        double[] dx = new double[batch * in], dw = new double[out * in], db = new double[out];
        for (int b = 0; b < batch; b++)
            for (int o = 0; o < out; o++) {
                double g = dy[b * out + o];
                db[o] += g;
                for (int i = 0; i < in; i++) {
                    dx[b * in + i] += g * w[o * in + i];
                    dw[o * in + i] += g * x[b * in + i];
                }
            }
        return new double[][] {dx, dw, db};
    }

    // ---- pooling ----

    /** PyTorch max_pool2d / avg_pool2d / adaptive_avg_pool2d for one spec. */
    public static double[] pool(PoolSpec spec, double[] x) {
        int n = spec.input().dim(0), c = spec.input().dim(1), h = spec.input().dim(2), w = spec.input().dim(3);
        int oh = spec.outHeight(), ow = spec.outWidth();
        double[] y = new double[n * c * oh * ow];
        for (int p = 0; p < n * c; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int h0, h1, w0, w1;
                    double divisor;
                    if (spec.mode() == PoolSpec.Mode.ADAPTIVE_AVG) {
                        h0 = (int) Math.floor((double) i * h / oh); h1 = (int) Math.ceil((double) (i + 1) * h / oh);
                        w0 = (int) Math.floor((double) j * w / ow); w1 = (int) Math.ceil((double) (j + 1) * w / ow);
                        divisor = (h1 - h0) * (w1 - w0);
                    } else {
                        // PyTorch avg_pool2d: pool_size uses the window clipped to input + padding, before clipping to the input
                        int hs = i * spec.strideH() - spec.padH(), ws = j * spec.strideW() - spec.padW();
                        int he = Math.min(hs + spec.kernelH(), h + spec.padH()), we = Math.min(ws + spec.kernelW(), w + spec.padW());
                        int poolSize = (he - hs) * (we - ws);
                        h0 = Math.max(hs, 0); w0 = Math.max(ws, 0); h1 = Math.min(he, h); w1 = Math.min(we, w);
                        divisor = spec.mode() == PoolSpec.Mode.AVG_INCLUDE_PAD ? poolSize : (h1 - h0) * (w1 - w0);
                    }
                    double acc = spec.mode() == PoolSpec.Mode.MAX ? Double.NEGATIVE_INFINITY : 0;
                    for (int a = h0; a < h1; a++) {
                        for (int b = w0; b < w1; b++) {
                            double v = x[(p * h + a) * w + b];
                            acc = spec.mode() == PoolSpec.Mode.MAX ? Math.max(acc, v) : acc + v;
                        }
                    }
                    y[(p * oh + i) * ow + j] = spec.mode() == PoolSpec.Mode.MAX ? acc : acc / divisor;
                }
            }
        }
        return y;
    }

    // ---- batch norm ----

    /** Training-mode batch norm: batch mean and biased variance per channel. */
    public static double[] batchNormTraining(int n, int c, int hw, double[] x, double[] gamma, double[] beta, double eps) {
        double[][] stats = batchStats(n, c, hw, x);
        return normalise(n, c, hw, x, gamma, beta, stats[0], stats[1], eps);
    }

    /** {mean[c], biasedVar[c]}. */
    public static double[][] batchStats(int n, int c, int hw, double[] x) {
        double[] mean = new double[c], var = new double[c];
        int m = n * hw;
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int i = 0; i < n; i++) for (int k = 0; k < hw; k++) s += x[(i * c + ch) * hw + k];
            mean[ch] = s / m;
            double q = 0;
            for (int i = 0; i < n; i++) for (int k = 0; k < hw; k++) q += Math.pow(x[(i * c + ch) * hw + k] - mean[ch], 2);
            var[ch] = q / m;
        }
        return new double[][] {mean, var};
    }

    public static double[] normalise(int n, int c, int hw, double[] x, double[] gamma, double[] beta, double[] mean, double[] var, double eps) {
        double[] y = new double[x.length];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int k = 0; k < hw; k++) {
                    int e = (i * c + ch) * hw + k;
                    y[e] = gamma[ch] * (x[e] - mean[ch]) / Math.sqrt(var[ch] + eps) + beta[ch];
                }
        return y;
    }

    // ---- activations ----

    public static double activation(Activation kind, double p, double x) {
        return switch (kind) {
            case IDENTITY -> x;
            case RELU -> x > 0 ? x : 0;
            case RELU6 -> Math.min(6, Math.max(0, x));
            case LEAKY_RELU -> x >= 0 ? x : p * x;
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case SILU -> x / (1 + Math.exp(-x));
            case HARD_SIGMOID -> Math.min(6, Math.max(0, x + 3)) / 6;
            case HARD_SWISH -> x * Math.min(6, Math.max(0, x + 3)) / 6;
            case GELU_TANH -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case GELU_ERF -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
        };
    }

    public static double[] activation(Activation kind, double p, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = activation(kind, p, x[i]);
        return y;
    }

    /** erf by composite Simpson integration of 2/√π·exp(-t²) over [0, x] (2000 panels): slow, independent, ~1e-13. */
    public static double erf(double x) {
        int panels = 2000;
        double h = x / panels, s = 0;
        for (int i = 0; i <= panels; i++) {
            double t = i * h, f = Math.exp(-t * t);
            s += (i == 0 || i == panels) ? f : (i % 2 == 1 ? 4 * f : 2 * f);
        }
        return 2 / Math.sqrt(Math.PI) * s * h / 3;
    }

    // ---- LRN ----

    /** PyTorch LocalResponseNorm: channels [c - size/2, c + (size-1)/2], zero padded. */
    public static double[] lrn(int n, int c, int hw, double[] x, int size, double alpha, double beta, double k) {
        double[] y = new double[x.length];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int e = 0; e < hw; e++) {
                    double s = 0;
                    for (int j = ch - size / 2; j <= ch + (size - 1) / 2; j++) {
                        if (j >= 0 && j < c) s += x[(i * c + j) * hw + e] * x[(i * c + j) * hw + e];
                    }
                    int at = (i * c + ch) * hw + e;
                    y[at] = x[at] / Math.pow(k + alpha / size * s, beta);
                }
        return y;
    }

    // ---- softmax and cross-entropy ----

    public static double[] softmax(int n, int c, double[] x, boolean log) {
        double[] y = new double[x.length];
        for (int i = 0; i < n; i++) {
            double z = 0;
            for (int j = 0; j < c; j++) z += Math.exp(x[i * c + j]);
            for (int j = 0; j < c; j++) y[i * c + j] = log ? x[i * c + j] - Math.log(z) : Math.exp(x[i * c + j]) / z;
        }
        return y;
    }

    /** Mean over the batch of -Σ_j target_j·log softmax(x)_j with target = (1-ε)·onehot + ε/C. */
    public static double crossEntropy(int n, int c, double[] logits, int[] labels, double smoothing) {
        double[] logp = softmax(n, c, logits, true);
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                double target = (j == labels[i] ? 1 - smoothing : 0) + smoothing / c;
                total -= target * logp[i * c + j];
            }
        }
        return total / n;
    }
}
