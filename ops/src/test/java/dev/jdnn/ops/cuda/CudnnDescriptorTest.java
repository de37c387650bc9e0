package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.Library;
import dev.jdnn.bindings.NativeLibraries;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.Shape;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.PoolSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The descriptor-building half of the CUDA backend, which needs libcudnn but neither a GPU nor a handle: cuDNN's own
 * output-size arithmetic must agree with the specs' for every geometry the plans will hand it.
 */
class CudnnDescriptorTest {
    @BeforeAll
    static void requireCudnn() {
        assumeTrue(NativeLibraries.isAvailable(Library.CUDNN), "libcudnn not found (" + Library.CUDNN.requirement() + "): descriptor tests skipped");
    }

    private static int[] cudnnConvOutput(Conv2dSpec spec) {
        MemorySegment x = Cudnn.tensor(spec.inputShape().toArray());
        MemorySegment w = Cudnn.filter(spec.outChannels(), spec.inChannels() / spec.groups(), spec.kernelH(), spec.kernelW());
        MemorySegment conv = CudaConv2d.convolutionDescriptor(spec, cudnn_h.CUDNN_FMA_MATH());
        try {
            return CudaConv2d.outputDims(conv, x, w);
        } finally {
            cudnn_h.cudnnDestroyConvolutionDescriptor(conv);
            cudnn_h.cudnnDestroyFilterDescriptor(w);
            cudnn_h.cudnnDestroyTensorDescriptor(x);
        }
    }

    @Test
    void convolutionOutputDimsMatchConv2dSpec() {
        List<Conv2dSpec> specs = List.of(
                Conv2dSpec.of(Shape.of(2, 3, 32, 32), 16, 3, 1, 1, 1, 1, false),      // plain 3x3 same
                Conv2dSpec.of(Shape.of(3, 5, 7, 9), 4, 3, 2, 1, 1, 1, true),           // odd sizes, stride 2
                Conv2dSpec.of(Shape.of(1, 8, 15, 15), 8, 3, 1, 2, 2, 8, false),        // depthwise, dilation 2
                Conv2dSpec.of(Shape.of(2, 6, 11, 13), 9, 5, 3, 2, 1, 3, false),        // groups 3, stride 3
                Conv2dSpec.of(Shape.of(1, 3, 224, 224), 64, 7, 2, 3, 1, 1, false),     // ResNet stem
                new Conv2dSpec(2, 4, 10, 17, 6, 3, 1, 2, 1, 0, 0, 1, 3, 2, true));    // rectangular kernel, mixed stride/dilation
        for (Conv2dSpec spec : specs) {
            assertArrayEquals(spec.outputShape().toArray(), cudnnConvOutput(spec), "output dims of " + spec);
        }
    }

    @Test
    void poolingOutputDimsMatchPoolSpecWhereCudnnIsUsed() {
        List<PoolSpec> specs = List.of(
                PoolSpec.max(Shape.of(2, 3, 7, 9), 3, 2, 1, false),
                PoolSpec.max(Shape.of(1, 4, 8, 8), 2, 2, 0, false),
                PoolSpec.avg(Shape.of(2, 3, 11, 6), 3, 1, 1, false, true),
                PoolSpec.avg(Shape.of(2, 3, 11, 6), 3, 2, 1, false, false),
                PoolSpec.max(Shape.of(1, 2, 8, 8), 2, 2, 0, true));   // ceil mode that adds no window
        for (PoolSpec spec : specs) {
            assertTrue(CudaPooling.usesCudnn(spec), spec + " should run on cuDNN");
            MemorySegment x = Cudnn.tensor(spec.input().toArray());
            MemorySegment pool = CudaPooling.poolingDescriptor(spec);
            try {
                assertArrayEquals(spec.outputShape().toArray(), CudaPooling.outputDims(pool, x), "output dims of " + spec);
            } finally {
                cudnn_h.cudnnDestroyPoolingDescriptor(pool);
                cudnn_h.cudnnDestroyTensorDescriptor(x);
            }
        }
    }

    @Test
    void ceilModeThatAddsAWindowAndAdaptivePoolingUseTheKernels() {
        PoolSpec ceil = PoolSpec.max(Shape.of(1, 2, 7, 7), 2, 2, 0, true); // floor gives 3, ceil 4
        assertEquals(4, ceil.outHeight());
        assertFalse(CudaPooling.usesCudnn(ceil));
        assertFalse(CudaPooling.usesCudnn(PoolSpec.adaptiveAvg(Shape.of(1, 2, 7, 7), 3, 3)));
    }

    @Test
    void batchStridedTensorDescriptorsAreAccepted() {
        MemorySegment d = Cudnn.tensor(3, 5, 7, 9, 8 * 7 * 9); // a 5-channel slice of an 8-channel tensor
        cudnn_h.cudnnDestroyTensorDescriptor(d);
    }

    @Test
    void aRejectedDescriptorNamesTheCallAndCudnnsStatus() {
        CudaException e = assertThrows(CudaException.class, () -> Cudnn.tensor(0, 5, 7, 9, 315));
        assertTrue(e.getMessage().contains("cudnnSetTensorNdDescriptor"), e.getMessage());
        assertTrue(e.getMessage().contains("CUDNN_STATUS_BAD_PARAM"), e.getMessage());
        assertEquals(Library.CUDNN, e.library());
    }

    @Test
    void strideBeyondIntRangeIsRejectedBeforeCallingCudnn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cudnn.tensor(2, 1, 1, 1, 1L << 32));
        assertTrue(e.getMessage().contains("batch stride"), e.getMessage());
    }

    @Test
    void lrnDescriptorBuilds() {
        MemorySegment l = CudaLrn.lrnDescriptor(new dev.jdnn.ops.LrnSpec(Shape.of(1, 8, 4, 4), 5, 1e-4, 0.75, 2.0));
        cudnn_h.cudnnDestroyLRNDescriptor(l);
    }
}
