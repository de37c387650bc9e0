package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.PoolPlan;
import dev.jdnn.ops.PoolSpec;
import dev.jdnn.ops.PoolSpec.Mode;

import java.lang.foreign.MemorySegment;

/**
 * Max, average and adaptive-average pooling, parallel over N*C planes. Every output row/column's input window
 * (clipped to the input) and its share of the divisor are computed once at plan time, following PyTorch:
 * <ul>
 *   <li>average with count_include_pad divides by the window clipped to the padded input (so a ceil-mode window that
 *       hangs past input + padding counts only the part inside), without it by the clipped window;</li>
 *   <li>adaptive cell i spans [floor(i*H/out), ceil((i+1)*H/out));</li>
 *   <li>max takes the first maximum in row-major window order (NaN wins), and backward recomputes it from x.</li>
 * </ul>
 */
final class CpuPooling implements PoolPlan {
    private final PoolSpec spec;
    private final Windows rows, cols;

    CpuPooling(PoolSpec spec) {
        this.spec = spec;
        boolean adaptive = spec.mode() == Mode.ADAPTIVE_AVG;
        this.rows = adaptive ? Windows.adaptive(spec.input().dim(2), spec.outHeight())
                : Windows.sliding(spec.input().dim(2), spec.outHeight(), spec.kernelH(), spec.strideH(), spec.padH(), spec.mode() == Mode.AVG_INCLUDE_PAD);
        this.cols = adaptive ? Windows.adaptive(spec.input().dim(3), spec.outWidth())
                : Windows.sliding(spec.input().dim(3), spec.outWidth(), spec.kernelW(), spec.strideW(), spec.padW(), spec.mode() == Mode.AVG_INCLUDE_PAD);
    }

    /** Per output index along one axis: input range [start, end) and the divisor factor. */
    private record Windows(int[] start, int[] end, int[] divisor) {
        static Windows sliding(int in, int out, int k, int s, int p, boolean includePad) {
            int[] start = new int[out], end = new int[out], div = new int[out];
            for (int o = 0; o < out; o++) {
                int lo = o * s - p, hi = Math.min(lo + k, in + p);
                int padded = hi - lo;
                start[o] = Math.max(lo, 0);
                end[o] = Math.min(hi, in);
                div[o] = includePad ? padded : end[o] - start[o];
            }
            return new Windows(start, end, div);
        }

        static Windows adaptive(int in, int out) {
            int[] start = new int[out], end = new int[out], div = new int[out];
            for (int o = 0; o < out; o++) {
                start[o] = (int) Math.floorDiv((long) o * in, out);
                end[o] = (int) -Math.floorDiv(-(long) (o + 1) * in, out);
                div[o] = end[o] - start[o];
            }
            return new Windows(start, end, div);
        }
    }

    @Override
    public PoolSpec spec() {
        return spec;
    }

    @Override
    public void forward(float alpha, Tensor x, float beta, Tensor y) {
        Planes px = Planes.of("pool x", x, spec.input()), py = Planes.of("pool y", y, spec.outputShape());
        boolean max = spec.mode() == Mode.MAX;
        int w = px.width(), ow = py.width();
        Runs.items(px.count(), px.size(), p -> {
            MemorySegment xs = px.seg(), ys = py.seg();
            long xo = px.at(p), yo = py.at(p);
            for (int oh = 0; oh < py.height(); oh++) {
                for (int ox = 0; ox < ow; ox++) {
                    float v = max ? Vec.get(xs, xo + argMax(xs, xo, w, oh, ox)) : average(xs, xo, w, oh, ox);
                    long at = yo + (long) oh * ow + ox;
                    Vec.set(ys, at, beta == 0f ? alpha * v : alpha * v + beta * Vec.get(ys, at));
                }
            }
        });
    }

    @Override
    public void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        Planes px = Planes.of("pool x", x, spec.input()), pdx = Planes.of("pool dx", dx, spec.input());
        Planes pdy = Planes.of("pool dy", dy, spec.outputShape());
        boolean max = spec.mode() == Mode.MAX;
        int w = px.width(), ow = pdy.width();
        Runs.items(px.count(), px.size(), p -> {
            MemorySegment xs = px.seg(), gs = pdy.seg(), ds = pdx.seg();
            long xo = px.at(p), go = pdy.at(p), dO = pdx.at(p);
            if (beta == 0f) Vec.fill(ds, dO, px.size(), 0f);
            else if (beta != 1f) Vec.affine(ds, dO, beta, 0f, 0f, ds, dO, px.size());
            for (int oh = 0; oh < pdy.height(); oh++) {
                for (int ox = 0; ox < ow; ox++) {
                    float g = alpha * Vec.get(gs, go + (long) oh * ow + ox);
                    if (max) {
                        long at = dO + argMax(xs, xo, w, oh, ox);
                        Vec.set(ds, at, Vec.get(ds, at) + g);
                    } else {
                        spread(ds, dO, w, oh, ox, g / ((float) rows.divisor[oh] * cols.divisor[ox]));
                    }
                }
            }
        });
    }

    /** Offset within the plane of the window's first maximum (row-major), NaN counting as the maximum. */
    private long argMax(MemorySegment xs, long xo, int w, int oh, int ox) {
        long best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int h = rows.start[oh]; h < rows.end[oh]; h++) {
            for (int c = cols.start[ox]; c < cols.end[ox]; c++) {
                long at = (long) h * w + c;
                float v = Vec.get(xs, xo + at);
                if (best < 0 || v > bestValue || Float.isNaN(v)) {
                    best = at;
                    bestValue = v;
                    if (Float.isNaN(v)) return best;
                }
            }
        }
        return best;
    }

    private float average(MemorySegment xs, long xo, int w, int oh, int ox) {
        double sum = 0;
        for (int h = rows.start[oh]; h < rows.end[oh]; h++) {
            for (int c = cols.start[ox]; c < cols.end[ox]; c++) sum += Vec.get(xs, xo + (long) h * w + c);
        }
        return (float) (sum / ((double) rows.divisor[oh] * cols.divisor[ox]));
    }

    private void spread(MemorySegment ds, long dO, int w, int oh, int ox, float share) {
        for (int h = rows.start[oh]; h < rows.end[oh]; h++) {
            for (int c = cols.start[ox]; c < cols.end[ox]; c++) {
                long at = dO + (long) h * w + c;
                Vec.set(ds, at, Vec.get(ds, at) + share);
            }
        }
    }
}
