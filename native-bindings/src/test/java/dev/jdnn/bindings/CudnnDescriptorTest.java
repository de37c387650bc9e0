package dev.jdnn.bindings;

import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.loader.NativeLibraries;

import dev.jdnn.bindings.cudnn.cudnn_h;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** cuDNN's descriptor functions run on the host, so the real library can be exercised here without a GPU. */
class CudnnDescriptorTest {
    private final Arena arena = Arena.ofConfined();
    private MemorySegment x, f, conv;

    @BeforeEach
    void descriptors() {
        assumeTrue(NativeLibraries.isAvailable(Library.CUDNN), "cuDNN not installed here");
        x = Out.pointer(p -> Check.cudnn(cudnn_h.cudnnCreateTensorDescriptor(p), "cudnnCreateTensorDescriptor"));
        f = Out.pointer(p -> Check.cudnn(cudnn_h.cudnnCreateFilterDescriptor(p), "cudnnCreateFilterDescriptor"));
        conv = Out.pointer(p -> Check.cudnn(cudnn_h.cudnnCreateConvolutionDescriptor(p), "cudnnCreateConvolutionDescriptor"));
    }

    @AfterEach
    void destroy() {
        if (x != null) Check.cudnn(cudnn_h.cudnnDestroyTensorDescriptor(x), "cudnnDestroyTensorDescriptor");
        if (f != null) Check.cudnn(cudnn_h.cudnnDestroyFilterDescriptor(f), "cudnnDestroyFilterDescriptor");
        if (conv != null) Check.cudnn(cudnn_h.cudnnDestroyConvolutionDescriptor(conv), "cudnnDestroyConvolutionDescriptor");
        arena.close();
    }

    @Test
    void convolutionOutputShapeFollowsTheTextbookFormula() {
        int n = 2, c = 3, h = 32, w = 30, k = 16, r = 5, s = 3, pad = 2, stride = 2, dilation = 1;
        Check.cudnn(cudnn_h.cudnnSetTensor4dDescriptor(x, cudnn_h.CUDNN_TENSOR_NCHW(), cudnn_h.CUDNN_DATA_FLOAT(), n, c, h, w), "cudnnSetTensor4dDescriptor");
        Check.cudnn(cudnn_h.cudnnSetFilter4dDescriptor(f, cudnn_h.CUDNN_DATA_FLOAT(), cudnn_h.CUDNN_TENSOR_NCHW(), k, c, r, s), "cudnnSetFilter4dDescriptor");
        Check.cudnn(cudnn_h.cudnnSetConvolution2dDescriptor(conv, pad, pad, stride, stride, dilation, dilation,
                cudnn_h.CUDNN_CROSS_CORRELATION(), cudnn_h.CUDNN_DATA_FLOAT()), "cudnnSetConvolution2dDescriptor");
        MemorySegment dims = arena.allocate(JAVA_INT, 4);
        Check.cudnn(cudnn_h.cudnnGetConvolution2dForwardOutputDim(conv, x, f, dims, dims.asSlice(4), dims.asSlice(8), dims.asSlice(12)),
                "cudnnGetConvolution2dForwardOutputDim");
        int oh = (h + 2 * pad - r) / stride + 1, ow = (w + 2 * pad - s) / stride + 1; // (32+4-5)/2+1 = 16, (30+4-3)/2+1 = 16
        assertArrayEquals(new int[]{n, k, oh, ow}, dims.toArray(JAVA_INT));

        long bytes = Out.longValue(p -> Check.cudnn(cudnn_h.cudnnGetTensorSizeInBytes(x, p), "cudnnGetTensorSizeInBytes"));
        assertEquals(4L * n * c * h * w, bytes);
    }

    @Test
    void invalidDescriptorIsReportedWithCudnnsOwnWords() {
        int status = cudnn_h.cudnnSetTensor4dDescriptor(x, cudnn_h.CUDNN_TENSOR_NCHW(), cudnn_h.CUDNN_DATA_FLOAT(), 1, 3, -5, 4);
        CudaException e = assertThrows(CudaException.class, () -> Check.cudnn(status, "cudnnSetTensor4dDescriptor"));
        assertEquals(cudnn_h.CUDNN_STATUS_BAD_PARAM(), status, e.getMessage());
        assertTrue(e.getMessage().startsWith("cudnnSetTensor4dDescriptor failed: cuDNN status " + status + " (CUDNN_STATUS_BAD_PARAM"), e.getMessage());
    }
}
