package dev.jdnn.ops.cuda.graphapi;

import dev.jdnn.bindings.cudnn.cudnn_h;

/**
 * What an engine's numerics are like ({@code cudnnBackendNumericalNote_t}), as far as choosing one for jdnn's
 * precision and determinism settings goes; notes without a bearing on that are {@link #OTHER}.
 */
public enum NumericalNote {
    /** Tensor cores: TF32 math for float32 operands. */
    TENSOR_CORE(cudnn_h.CUDNN_NUMERICAL_NOTE_TENSOR_CORE()),
    /** Inputs converted to a narrower type (e.g. float32 to half) before computing. */
    DOWN_CONVERT_INPUTS(cudnn_h.CUDNN_NUMERICAL_NOTE_DOWN_CONVERT_INPUTS()),
    /** Reductions accumulated in less than float32. */
    REDUCED_PRECISION_REDUCTION(cudnn_h.CUDNN_NUMERICAL_NOTE_REDUCED_PRECISION_REDUCTION()),
    FFT(cudnn_h.CUDNN_NUMERICAL_NOTE_FFT()),
    /** Results may differ from run to run (atomics). */
    NONDETERMINISTIC(cudnn_h.CUDNN_NUMERICAL_NOTE_NONDETERMINISTIC()),
    WINOGRAD(cudnn_h.CUDNN_NUMERICAL_NOTE_WINOGRAD()),
    OTHER(-1);

    private final int value;

    NumericalNote(int value) {
        this.value = value;
    }

    static NumericalNote of(int value) {
        for (NumericalNote n : values()) if (n.value == value) return n;
        return OTHER;
    }
}
