package dev.jdnn.ops.cuda.graphapi;

import dev.jdnn.bindings.cudnn.cudnn_h;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;

/**
 * The element types of backend attributes jdnn sets and reads ({@code cudnnBackendAttributeType_t}), each with the
 * C layout of one element: enums are C ints, booleans C {@code bool} (one byte), handles and descriptors pointers.
 */
enum AttributeType {
    HANDLE(cudnn_h.CUDNN_TYPE_HANDLE(), ValueLayout.ADDRESS),
    DATA_TYPE(cudnn_h.CUDNN_TYPE_DATA_TYPE(), ValueLayout.JAVA_INT),
    BOOLEAN(cudnn_h.CUDNN_TYPE_BOOLEAN(), ValueLayout.JAVA_BOOLEAN),
    INT64(cudnn_h.CUDNN_TYPE_INT64(), ValueLayout.JAVA_LONG),
    FLOAT(cudnn_h.CUDNN_TYPE_FLOAT(), ValueLayout.JAVA_FLOAT),
    VOID_PTR(cudnn_h.CUDNN_TYPE_VOID_PTR(), ValueLayout.ADDRESS),
    CONVOLUTION_MODE(cudnn_h.CUDNN_TYPE_CONVOLUTION_MODE(), ValueLayout.JAVA_INT),
    HEUR_MODE(cudnn_h.CUDNN_TYPE_HEUR_MODE(), ValueLayout.JAVA_INT),
    KNOB_TYPE(cudnn_h.CUDNN_TYPE_KNOB_TYPE(), ValueLayout.JAVA_INT),
    NUMERICAL_NOTE(cudnn_h.CUDNN_TYPE_NUMERICAL_NOTE(), ValueLayout.JAVA_INT),
    BEHAVIOR_NOTE(cudnn_h.CUDNN_TYPE_BEHAVIOR_NOTE(), ValueLayout.JAVA_INT),
    POINTWISE_MODE(cudnn_h.CUDNN_TYPE_POINTWISE_MODE(), ValueLayout.JAVA_INT),
    BACKEND_DESCRIPTOR(cudnn_h.CUDNN_TYPE_BACKEND_DESCRIPTOR(), ValueLayout.ADDRESS),
    GENSTATS_MODE(cudnn_h.CUDNN_TYPE_GENSTATS_MODE(), ValueLayout.JAVA_INT),
    BN_FINALIZE_STATS_MODE(cudnn_h.CUDNN_TYPE_BN_FINALIZE_STATS_MODE(), ValueLayout.JAVA_INT),
    NORM_MODE(cudnn_h.CUDNN_TYPE_NORM_MODE(), ValueLayout.JAVA_INT);

    final int value;
    final MemoryLayout element;

    AttributeType(int value, MemoryLayout element) {
        this.value = value;
        this.element = element;
    }
}
