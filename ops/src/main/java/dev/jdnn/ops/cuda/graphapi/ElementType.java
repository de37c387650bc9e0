package dev.jdnn.ops.cuda.graphapi;

import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.DType;

/** Element types of graph tensors ({@code cudnnDataType_t}): the activation types, float for intermediates and statistics, and the by-value scalars' double and int64. */
public enum ElementType {
    FLOAT(cudnn_h.CUDNN_DATA_FLOAT(), 4),
    HALF(cudnn_h.CUDNN_DATA_HALF(), 2),
    BFLOAT16(cudnn_h.CUDNN_DATA_BFLOAT16(), 2),
    DOUBLE(cudnn_h.CUDNN_DATA_DOUBLE(), 8),
    INT32(cudnn_h.CUDNN_DATA_INT32(), 4),
    INT64(cudnn_h.CUDNN_DATA_INT64(), 8);

    final int value;
    final int byteSize;

    ElementType(int value, int byteSize) {
        this.value = value;
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    /** The element type a jdnn tensor of {@code dtype} holds. */
    public static ElementType of(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> FLOAT;
            case FLOAT16 -> HALF;
            case BFLOAT16 -> BFLOAT16;
            case INT32 -> INT32;
            case UINT8 -> throw new IllegalArgumentException("uint8 tensors have no place in jdnn's fused graphs");
        };
    }
}
