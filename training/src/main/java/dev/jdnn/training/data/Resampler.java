package dev.jdnn.training.data;

/**
 * Bilinear resampling of a rectangular region of a CHW float image to a new size, with half-pixel centres
 * (align_corners=False, as torch's interpolate and PIL's resize map pixel centres; no antialiasing).
 */
final class Resampler {
    private Resampler() {}

    /**
     * Samples the region [y0, y0+regionH) × [x0, x0+regionW) (in source pixels, may be fractional) of {@code src}
     * ({@code channels}×{@code srcH}×{@code srcW}) into {@code dst} ({@code channels}×{@code dstH}×{@code dstW}).
     */
    static void bilinear(float[] src, int channels, int srcH, int srcW, double y0, double x0, double regionH, double regionW,
                         float[] dst, int dstH, int dstW) {
        double sy = regionH / dstH, sx = regionW / dstW;
        int[] xLo = new int[dstW], xHi = new int[dstW];
        float[] xw = new float[dstW];
        for (int x = 0; x < dstW; x++) {
            double fx = clamp(x0 + (x + 0.5) * sx - 0.5, srcW);
            xLo[x] = (int) Math.floor(fx);
            xHi[x] = Math.min(xLo[x] + 1, srcW - 1);
            xw[x] = (float) (fx - xLo[x]);
        }
        for (int y = 0; y < dstH; y++) {
            double fy = clamp(y0 + (y + 0.5) * sy - 0.5, srcH);
            int yLo = (int) Math.floor(fy), yHi = Math.min(yLo + 1, srcH - 1);
            float wy = (float) (fy - yLo);
            for (int c = 0; c < channels; c++) {
                int top = (c * srcH + yLo) * srcW, bottom = (c * srcH + yHi) * srcW, out = (c * dstH + y) * dstW;
                for (int x = 0; x < dstW; x++) {
                    float t = src[top + xLo[x]] + (src[top + xHi[x]] - src[top + xLo[x]]) * xw[x];
                    float b = src[bottom + xLo[x]] + (src[bottom + xHi[x]] - src[bottom + xLo[x]]) * xw[x];
                    dst[out + x] = t + (b - t) * wy;
                }
            }
        }
    }

    private static double clamp(double v, int size) {
        return Math.max(0, Math.min(v, size - 1));
    }
}
