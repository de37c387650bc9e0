package dev.jdnn.networks.layers;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Tracer;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.PoolSpec;

/** torch's MaxPool2d, AvgPool2d and AdaptiveAvgPool2d in one class; build with the static factories. */
public final class Pool2d extends Layer {
    public final PoolSpec.Mode mode;
    public final int kernel, stride, padding, outH, outW;
    public final boolean ceilMode;

    private Pool2d(PoolSpec.Mode mode, int kernel, int stride, int padding, boolean ceilMode, int outH, int outW) {
        this.mode = mode; this.kernel = kernel; this.stride = stride; this.padding = padding;
        this.ceilMode = ceilMode; this.outH = outH; this.outW = outW;
    }

    public static Pool2d max(int kernel, int stride, int padding, boolean ceilMode) {
        return new Pool2d(PoolSpec.Mode.MAX, kernel, stride, padding, ceilMode, 0, 0);
    }

    public static Pool2d max(int kernel, int stride) {
        return max(kernel, stride, 0, false);
    }

    public static Pool2d avg(int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        return new Pool2d(countIncludePad ? PoolSpec.Mode.AVG_INCLUDE_PAD : PoolSpec.Mode.AVG_EXCLUDE_PAD, kernel, stride, padding, ceilMode, 0, 0);
    }

    public static Pool2d avg(int kernel, int stride) {
        return avg(kernel, stride, 0, false, true);
    }

    public static Pool2d adaptiveAvg(int outH, int outW) {
        return new Pool2d(PoolSpec.Mode.ADAPTIVE_AVG, 0, 0, 0, false, outH, outW);
    }

    @Override
    public Value forward(Tracer t, Value x) {
        return switch (mode) {
            case MAX -> t.maxPool2d(x, kernel, stride, padding, ceilMode);
            case AVG_INCLUDE_PAD, AVG_EXCLUDE_PAD -> t.avgPool2d(x, kernel, stride, padding, ceilMode, mode == PoolSpec.Mode.AVG_INCLUDE_PAD);
            case ADAPTIVE_AVG -> t.adaptiveAvgPool2d(x, outH, outW);
        };
    }

    @Override
    public String toString() {
        return "Pool2d(" + mode + ")";
    }
}
