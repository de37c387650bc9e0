package dev.jdnn.training.data;

import dev.jdnn.networks.models.InputSpec.Interpolation;

/**
 * Antialiased, separable resampling of CHW float images — the algorithm of PIL's {@code Image.resize} and of
 * torch's {@code interpolate(..., antialias=True)} (which torchvision's Resize and resized_crop use): each output
 * pixel centre maps to {@code (i + 0.5)·scale} in the input, and when shrinking the filter is stretched by the
 * scale, so every input pixel contributes (no aliasing); weights are normalised to sum to one. Rows first along the
 * width, then along the height, in float as torch does on float tensors.
 */
final class Resampler {
    private Resampler() {}

    /** One axis: for each output index, the first input index, how many follow, and their weights. */
    private record Axis(int[] first, int[] count, double[][] weights) {
        int lowest() {
            int lo = Integer.MAX_VALUE;
            for (int f : first) lo = Math.min(lo, f);
            return lo;
        }

        int highest() {
            int hi = 0;
            for (int i = 0; i < first.length; i++) hi = Math.max(hi, first[i] + count[i]);
            return hi;
        }
    }

    /**
     * Resizes the region [top, top + regionH) × [left, left + regionW) of {@code src} (channels × srcH × srcW) to
     * outH × outW, and writes the window [winTop, winTop + dstH) × [winLeft, winLeft + dstW) of that result to
     * {@code dst} (channels × dstH × dstW): a resize followed by a crop, or a crop followed by a resize, computing
     * only the output pixels kept.
     */
    static void resize(float[] src, int channels, int srcH, int srcW, int top, int left, int regionH, int regionW,
                       int outH, int outW, int winTop, int winLeft, float[] dst, int dstH, int dstW, Interpolation filter) {
        if (top < 0 || left < 0 || regionH < 1 || regionW < 1 || top + regionH > srcH || left + regionW > srcW) {
            throw new IllegalArgumentException("region " + regionH + "x" + regionW + " at (" + top + ", " + left + ") is outside the " + srcH + "x" + srcW + " image");
        }
        if (winTop < 0 || winLeft < 0 || winTop + dstH > outH || winLeft + dstW > outW) {
            throw new IllegalArgumentException("window " + dstH + "x" + dstW + " at (" + winTop + ", " + winLeft + ") is outside the " + outH + "x" + outW + " result");
        }
        Axis xs = axis(regionW, outW, winLeft, dstW, filter), ys = axis(regionH, outH, winTop, dstH, filter);
        int rowLo = ys.lowest(), rows = ys.highest() - rowLo;
        float[] tmp = new float[rows * dstW];
        for (int c = 0; c < channels; c++) {
            // Along the width, for the input rows the height pass reads.
            for (int r = 0; r < rows; r++) {
                int rowStart = (c * srcH + top + rowLo + r) * srcW + left;
                for (int x = 0; x < dstW; x++) {
                    double[] w = xs.weights[x];
                    int from = rowStart + xs.first[x];
                    float sum = 0;
                    for (int k = 0; k < w.length; k++) sum += (float) w[k] * src[from + k];
                    tmp[r * dstW + x] = sum;
                }
            }
            // Along the height.
            for (int y = 0; y < dstH; y++) {
                double[] w = ys.weights[y];
                int from = ys.first[y] - rowLo, out = (c * dstH + y) * dstW;
                for (int x = 0; x < dstW; x++) {
                    float sum = 0;
                    for (int k = 0; k < w.length; k++) sum += (float) w[k] * tmp[(from + k) * dstW + x];
                    dst[out + x] = sum;
                }
            }
        }
    }

    /** Weights of outputs [first, first + count) of an axis resized from inSize to outSize (PIL's precompute_coeffs). */
    private static Axis axis(int inSize, int outSize, int first, int count, Interpolation filter) {
        double scale = (double) inSize / outSize;
        double stretch = Math.max(scale, 1); // shrinking widens the filter: the antialiasing
        double support = support(filter) * stretch;
        int[] starts = new int[count], counts = new int[count];
        double[][] weights = new double[count][];
        for (int o = 0; o < count; o++) {
            double center = (first + o + 0.5) * scale;
            int lo = Math.max((int) (center - support + 0.5), 0);
            int hi = Math.min((int) (center + support + 0.5), inSize);
            double[] w = new double[hi - lo];
            double total = 0;
            for (int k = 0; k < w.length; k++) {
                w[k] = kernel(filter, (k + lo - center + 0.5) / stretch);
                total += w[k];
            }
            if (total != 0) for (int k = 0; k < w.length; k++) w[k] /= total;
            starts[o] = lo;
            counts[o] = w.length;
            weights[o] = w;
        }
        return new Axis(starts, counts, weights);
    }

    private static double support(Interpolation filter) {
        return switch (filter) {
            case BILINEAR -> 1;
            case BICUBIC -> 2;
        };
    }

    /** The triangle filter, and the cubic convolution kernel with a = -0.5 (PIL's, and torch's antialiased bicubic). */
    private static double kernel(Interpolation filter, double x) {
        double ax = Math.abs(x);
        return switch (filter) {
            case BILINEAR -> ax < 1 ? 1 - ax : 0;
            case BICUBIC -> {
                double a = -0.5;
                if (ax < 1) yield ((a + 2) * ax - (a + 3)) * ax * ax + 1;
                if (ax < 2) yield (((ax - 5) * ax + 8) * ax - 4) * a;
                yield 0;
            }
        };
    }
}
