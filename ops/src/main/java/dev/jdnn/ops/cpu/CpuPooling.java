package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Device;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.PoolPlan;
import dev.jdnn.ops.PoolSpec;
import dev.jdnn.ops.PoolSpec.Mode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Max, average and adaptive-average pooling, parallel over N*C planes, each plane worked on in per-thread heap
 * scratch. Every output row/column's input window (clipped to the input) and its share of the divisor are computed
 * once at plan time, following PyTorch:
 * <ul>
 *   <li>average with count_include_pad divides by the window clipped to the padded input (so a ceil-mode window that
 *       hangs past input + padding counts only the part inside), without it by the clipped window;</li>
 *   <li>adaptive cell i spans [floor(i*H/out), ceil((i+1)*H/out));</li>
 *   <li>max takes the first maximum in row-major window order (NaN wins), and backward recomputes it from x.</li>
 * </ul>
 * Other formats and dtypes than float32 NCHW run on float32 NCHW copies ({@link Staging}).
 */
final class CpuPooling implements PoolPlan {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final PoolSpec spec;
    private final Windows rows, cols;
    private final ThreadLocal<Scratch> scratch;

    CpuPooling(PoolSpec spec) {
        this.spec = spec;
        boolean adaptive = spec.mode() == Mode.ADAPTIVE_AVG;
        this.rows = adaptive ? Windows.adaptive(spec.input().dim(2), spec.outHeight())
                : Windows.sliding(spec.input().dim(2), spec.outHeight(), spec.kernelH(), spec.strideH(), spec.padH(), spec.mode() == Mode.AVG_INCLUDE_PAD);
        this.cols = adaptive ? Windows.adaptive(spec.input().dim(3), spec.outWidth())
                : Windows.sliding(spec.input().dim(3), spec.outWidth(), spec.kernelW(), spec.strideW(), spec.padW(), spec.mode() == Mode.AVG_INCLUDE_PAD);
        int plane = spec.input().dim(2) * spec.input().dim(3), outPlane = spec.outHeight() * spec.outWidth();
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(plane, outPlane));
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
        Operands.activation("pool x", x, spec.input(), spec.operands(), Device.CPU);
        Operands.activation("pool y", y, spec.outputShape(), spec.operands(), Device.CPU);
        try (Staging s = new Staging()) {
            forward32(alpha, s.in(x), beta, s.out(y, beta != 0f));
            s.commit();
        }
    }

    private void forward32(float alpha, Tensor x, float beta, Tensor y) {
        Planes px = Planes.of("pool x", x, spec.input()), py = Planes.of("pool y", y, spec.outputShape());
        boolean max = spec.mode() == Mode.MAX;
        int w = px.width(), oh = py.height(), ow = py.width();
        Runs.items(px.count(), px.size(), p -> {
            Scratch s = scratch.get();
            MemorySegment.copy(px.seg(), F32, 4 * px.at(p), s.x, 0, px.size());
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) s.y[i * ow + j] = max ? maximum(s.x, w, i, j) : average(s, w, i, j);
            }
            store(s.y, alpha, beta, py.seg(), py.at(p));
        });
    }

    @Override
    public void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        Operands.activation("pool x", x, spec.input(), spec.operands(), Device.CPU);
        Operands.activation("pool dy", dy, spec.outputShape(), spec.operands(), Device.CPU);
        Operands.activation("pool dx", dx, spec.input(), spec.operands(), Device.CPU);
        try (Staging s = new Staging()) {
            backward32(alpha, s.in(x), y, s.in(dy), beta, s.out(dx, beta != 0f));
            s.commit();
        }
    }

    private void backward32(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        Planes px = Planes.of("pool x", x, spec.input()), pdx = Planes.of("pool dx", dx, spec.input());
        Planes pdy = Planes.of("pool dy", dy, spec.outputShape());
        boolean max = spec.mode() == Mode.MAX;
        int w = px.width(), oh = pdy.height(), ow = pdy.width();
        Runs.items(px.count(), px.size(), p -> {
            Scratch s = scratch.get();
            if (max) MemorySegment.copy(px.seg(), F32, 4 * px.at(p), s.x, 0, px.size());
            MemorySegment.copy(pdy.seg(), F32, 4 * pdy.at(p), s.y, 0, pdy.size());
            Arrays.fill(s.dx, 0f);
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float g = s.y[i * ow + j];
                    if (max) s.dx[argMax(s.x, w, i, j)] += g;
                    else spread(s.dx, w, i, j, g / ((float) rows.divisor[i] * cols.divisor[j]));
                }
            }
            store(s.dx, alpha, beta, pdx.seg(), pdx.at(p));
        });
    }

    /** The window's maximum; Math.max propagates NaN as PyTorch does, and is branch-free. */
    private float maximum(float[] x, int w, int oh, int ow) {
        float best = Float.NEGATIVE_INFINITY;
        for (int h = rows.start[oh]; h < rows.end[oh]; h++) {
            for (int c = cols.start[ow], at = h * w + c; c < cols.end[ow]; c++, at++) best = Math.max(best, x[at]);
        }
        return best;
    }

    /** Index within the plane of the window's first maximum (row-major), NaN counting as the maximum. */
    private int argMax(float[] x, int w, int oh, int ow) {
        int best = rows.start[oh] * w + cols.start[ow];
        float bestValue = x[best];
        for (int h = rows.start[oh]; h < rows.end[oh]; h++) {
            for (int c = cols.start[ow], at = h * w + c; c < cols.end[ow]; c++, at++) {
                float v = x[at];
                boolean better = v > bestValue || (v != v && bestValue == bestValue); // first NaN wins and stays
                best = better ? at : best;
                bestValue = better ? v : bestValue;
            }
        }
        return best;
    }

    /** Window mean; a window of whole rows is one contiguous run and is summed with vectors (global pooling). */
    private float average(Scratch s, int w, int oh, int ow) {
        int h0 = rows.start[oh], h1 = rows.end[oh];
        float sum = 0;
        if (cols.start[ow] == 0 && cols.end[ow] == w) {
            sum = (float) Vec.sum(s.x, h0 * w, (h1 - h0) * w);
        } else {
            for (int h = h0; h < h1; h++) {
                for (int c = cols.start[ow], at = h * w + c; c < cols.end[ow]; c++, at++) sum += s.x[at];
            }
        }
        return sum / ((float) rows.divisor[oh] * cols.divisor[ow]);
    }

    private void spread(float[] dx, int w, int oh, int ow, float share) {
        for (int h = rows.start[oh]; h < rows.end[oh]; h++) {
            for (int c = cols.start[ow], at = h * w + c; c < cols.end[ow]; c++, at++) dx[at] += share;
        }
    }

    /** dst = alpha*src + beta*dst (beta = 0: dst is not read). */
    private static void store(float[] src, float alpha, float beta, MemorySegment dst, long offset) {
        if (alpha == 1f && beta == 0f) {
            MemorySegment.copy(src, 0, dst, F32, 4 * offset, src.length);
            return;
        }
        for (int i = 0; i < src.length; i++) {
            float v = alpha * src[i];
            Vec.set(dst, offset + i, beta == 0f ? v : v + beta * Vec.get(dst, offset + i));
        }
    }

    /**
     * One thread's copies of an input plane, its gradient and an output plane: the window loops run on heap arrays,
     * which the JIT bounds-check-eliminates. (They are not wrapped as segments for {@link Vec}, whose kernels only
     * ever see native segments, keeping their memory-access call sites monomorphic.)
     */
    private static final class Scratch {
        final float[] x, dx, y;

        Scratch(int plane, int outPlane) {
            x = new float[plane];
            dx = new float[plane];
            y = new float[outPlane];
        }
    }
}
