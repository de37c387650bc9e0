package dev.jdnn.ops.cpu;

import dev.jdnn.ops.Conv2dSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Direct convolution for groups == inChannels (depthwise, any channel multiplier): every output channel k reads
 * only input channel k / multiplier, so im2col + GEMM would be a K x 1 x R*S matrix product per pixel — all
 * packing, no reuse. Here each tap (r, s) is a scaled, shifted add of a whole plane, which C2 vectorises for
 * stride 1. Planes are copied into per-thread arrays so the inner loops are plain array loops.
 */
final class DepthwiseConv {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final Conv2dSpec s;
    private final int h, w, p, q, taps, multiplier;

    DepthwiseConv(Conv2dSpec spec) {
        this.s = spec;
        this.h = spec.height();
        this.w = spec.width();
        this.p = spec.outHeight();
        this.q = spec.outWidth();
        this.taps = spec.kernelH() * spec.kernelW();
        this.multiplier = spec.outChannels() / spec.inChannels();
    }

    static boolean applies(Conv2dSpec spec) {
        return spec.groups() == spec.inChannels() && spec.groups() > 1;
    }

    /** Strides and element offsets of an NCHW operand's sample and channel planes. */
    record Planes(MemorySegment seg, long sampleStride, long channelStride) {
        long at(int n, int c) {
            return n * sampleStride + c * channelStride;
        }
    }

    /** y = alpha * (conv(x, w) + bias) + beta * y. */
    void forward(float alpha, Planes x, MemorySegment wt, MemorySegment bias, float beta, Planes y) {
        int k = s.outChannels();
        Parallel.forEach(s.batch() * k, idx -> {
            int n = idx / k, oc = idx % k;
            float[] in = load(x, n, oc / multiplier, h * w, ThreadScratch.PLANE_A);
            float[] acc = ThreadScratch.array(ThreadScratch.PLANE_B, p * q);
            java.util.Arrays.fill(acc, 0, p * q, bias == null ? 0f : bias.getAtIndex(F32, oc));
            accumulateTaps(wt, oc, in, acc, false);
            store(acc, alpha, beta, y, n, oc, p * q);
        });
    }

    /** dx = alpha * conv_transpose(dy, w) + beta * dx. */
    void backwardData(float alpha, Planes dy, MemorySegment wt, float beta, Planes dx) {
        int channels = s.inChannels();
        Parallel.forEach(s.batch() * channels, idx -> {
            int n = idx / channels, ic = idx % channels;
            float[] acc = ThreadScratch.array(ThreadScratch.PLANE_B, h * w);
            java.util.Arrays.fill(acc, 0, h * w, 0f);
            for (int m = 0; m < multiplier; m++) {
                int oc = ic * multiplier + m;
                float[] g = load(dy, n, oc, p * q, ThreadScratch.PLANE_A);
                accumulateTaps(wt, oc, g, acc, true);
            }
            store(acc, alpha, beta, dx, n, ic, h * w);
        });
    }

    /** dw = alpha * correlate(x, dy) + beta * dw; one task per output channel, so no two tasks touch the same dw. */
    void backwardFilter(float alpha, Planes x, Planes dy, float beta, MemorySegment dw) {
        Parallel.forEach(s.outChannels(), oc -> {
            double[] sums = new double[taps];
            for (int n = 0; n < s.batch(); n++) {
                float[] in = load(x, n, oc / multiplier, h * w, ThreadScratch.PLANE_A);
                float[] g = load(dy, n, oc, p * q, ThreadScratch.PLANE_B);
                for (int r = 0; r < s.kernelH(); r++) {
                    for (int c = 0; c < s.kernelW(); c++) {
                        int hOff = r * s.dilationH() - s.padH(), wOff = c * s.dilationW() - s.padW();
                        int owLo = Im2col.firstValid(wOff, s.strideW()), owHi = Im2col.endValid(wOff, s.strideW(), w, q);
                        float sum = 0f;
                        for (int oh = Im2col.firstValid(hOff, s.strideH()), ohEnd = Im2col.endValid(hOff, s.strideH(), h, p); oh < ohEnd; oh++) {
                            int src = (oh * s.strideH() + hOff) * w + wOff, dst = oh * q;
                            for (int ow = owLo; ow < owHi; ow++) sum += g[dst + ow] * in[src + ow * s.strideW()];
                        }
                        sums[r * s.kernelW() + c] += sum;
                    }
                }
            }
            for (int t = 0; t < taps; t++) {
                long e = (long) oc * taps + t;
                float v = alpha * (float) sums[t];
                dw.setAtIndex(F32, e, beta == 0f ? v : v + beta * dw.getAtIndex(F32, e));
            }
        });
    }

    /**
     * Adds every kernel tap of output channel oc, over the output pixels it reaches inside the input: forward reads
     * the input plane {@code from} and accumulates the output plane {@code acc}; {@code transposed} (backward data)
     * reads the output-gradient plane and scatters into the input-gradient plane at the same pixel pairs.
     */
    private void accumulateTaps(MemorySegment wt, int oc, float[] from, float[] acc, boolean transposed) {
        int sw = s.strideW();
        for (int r = 0; r < s.kernelH(); r++) {
            for (int c = 0; c < s.kernelW(); c++) {
                float wv = wt.getAtIndex(F32, (long) oc * taps + r * s.kernelW() + c);
                int hOff = r * s.dilationH() - s.padH(), wOff = c * s.dilationW() - s.padW();
                int owLo = Im2col.firstValid(wOff, sw), owHi = Im2col.endValid(wOff, sw, w, q);
                for (int oh = Im2col.firstValid(hOff, s.strideH()), ohEnd = Im2col.endValid(hOff, s.strideH(), h, p); oh < ohEnd; oh++) {
                    int inRow = (oh * s.strideH() + hOff) * w + wOff, outRow = oh * q;
                    if (!transposed) {
                        if (sw == 1) {
                            for (int ow = owLo; ow < owHi; ow++) acc[outRow + ow] += wv * from[inRow + ow];
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) acc[outRow + ow] += wv * from[inRow + ow * sw];
                        }
                    } else if (sw == 1) {
                        for (int ow = owLo; ow < owHi; ow++) acc[inRow + ow] += wv * from[outRow + ow];
                    } else {
                        for (int ow = owLo; ow < owHi; ow++) acc[inRow + ow * sw] += wv * from[outRow + ow];
                    }
                }
            }
        }
    }

    private static float[] load(Planes t, int n, int c, int size, int slot) {
        float[] a = ThreadScratch.array(slot, size);
        MemorySegment.copy(t.seg, F32, t.at(n, c) * Float.BYTES, a, 0, size);
        return a;
    }

    /** out-plane = alpha * acc + beta * out-plane (beta == 0 never reads the old values); acc is clobbered. */
    private static void store(float[] acc, float alpha, float beta, Planes out, int n, int c, int size) {
        for (int i = 0; i < size; i++) acc[i] *= alpha;
        if (beta != 0f) {
            float[] old = load(out, n, c, size, ThreadScratch.PLANE_C);
            for (int i = 0; i < size; i++) acc[i] += beta * old[i];
        }
        MemorySegment.copy(acc, 0, out.seg, F32, out.at(n, c) * Float.BYTES, size);
    }
}
