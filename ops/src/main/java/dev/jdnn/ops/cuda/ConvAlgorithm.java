package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cudnn.cudnn_h;

import java.util.Locale;

/** A cuDNN convolution algorithm chosen for one direction, with the math type it was found with and its workspace. */
record ConvAlgorithm(int algo, int mathType, long workspaceBytes) {
    /** "IMPLICIT_PRECOMP_GEMM (TENSOR_OP_MATH, 12.0 MiB)": cuDNN's names, for profiles. */
    String describe(ConvDirection d) {
        return d.algorithmName(algo) + " (" + mathName(mathType) + ", " + String.format(Locale.ROOT, "%.1f MiB", workspaceBytes / 1048576.0) + ")";
    }

    /**
     * cuDNN's name of a math type. DEFAULT_MATH lets cuDNN use TF32 tensor cores for float32 data (from Ampere on),
     * TENSOR_OP_MATH asks for them, FMA_MATH forbids them (strict FP32).
     */
    static String mathName(int mathType) {
        if (mathType == cudnn_h.CUDNN_DEFAULT_MATH()) return "DEFAULT_MATH";
        if (mathType == cudnn_h.CUDNN_TENSOR_OP_MATH()) return "TENSOR_OP_MATH";
        if (mathType == cudnn_h.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION()) return "TENSOR_OP_MATH_ALLOW_CONVERSION";
        if (mathType == cudnn_h.CUDNN_FMA_MATH()) return "FMA_MATH";
        return "math type " + mathType;
    }
}
