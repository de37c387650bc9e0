package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

/**
 * Per-channel pieces of the fused patterns' CPU compositions that no unfused op provides on its own: the batch-norm
 * apply with an equivalent scale and bias, and the per-channel sums a batch norm takes its statistics from.
 */
final class Channels {
    private Channels() {}

    /** A float32 [C] vector's values (scale, bias, statistics, batch-norm parameters). */
    static float[] vector(String what, Tensor t, int channels) {
        HostTensors.contiguous(what, t, Shape.of(channels));
        return t.toFloatArray();
    }

    /** Overwrites a float32 [C] vector. */
    static void write(String what, Tensor t, float[] values) {
        HostTensors.contiguous(what, t, Shape.of(values.length));
        t.copyFrom(values);
    }

    /** y[n, c] = x[n, c] * scale[c] + bias[c] over every plane; y may be x. */
    static void affine(Planes x, float[] scale, float[] bias, Planes y) {
        Runs.items(x.count(), x.size(), p -> {
            int c = p % x.channels();
            Vec.affine(x.seg(), x.at(p), scale[c], bias[c], 0f, y.seg(), y.at(p), x.size());
        });
    }

    /** sum[c] = Σ_{n,h,w} y and sqSum[c] = Σ_{n,h,w} y², accumulated in double, rounded once to float. */
    static void sums(Planes y, float[] sum, float[] sqSum) {
        Runs.items(y.channels(), (long) y.batch() * y.size(), c -> {
            double s = 0, q = 0;
            for (int n = 0; n < y.batch(); n++) {
                s += Vec.sum(y.seg(), y.at(n, c), y.size());
                q += Vec.sumSquaredDeviations(y.seg(), y.at(n, c), y.size(), 0f);
            }
            sum[c] = (float) s;
            sqSum[c] = (float) q;
        });
    }
}
