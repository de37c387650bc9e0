package dev.jdnn.ops.cuda.graphapi;

import dev.jdnn.bindings.cudnn.cudnn_h;

/** The pointwise operations jdnn's fused graphs use ({@code cudnnPointwiseMode_t}). */
public enum PointwiseMode {
    /** y = x + b (b may broadcast, e.g. a [1, C, 1, 1] bias). */
    ADD(cudnn_h.CUDNN_POINTWISE_ADD()),
    /** y = x * b (b may broadcast). */
    MUL(cudnn_h.CUDNN_POINTWISE_MUL()),
    /** y = max(x, 0). */
    RELU_FWD(cudnn_h.CUDNN_POINTWISE_RELU_FWD()),
    /** dx = dy where x > 0, else 0. */
    RELU_BWD(cudnn_h.CUDNN_POINTWISE_RELU_BWD()),
    /** y = x (a type conversion). */
    IDENTITY(cudnn_h.CUDNN_POINTWISE_IDENTITY());

    final int value;

    PointwiseMode(int value) {
        this.value = value;
    }

    boolean binary() {
        return this == ADD || this == MUL;
    }
}
