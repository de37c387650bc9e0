package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.loader.NativeLibraries;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.OperandType;
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

    /** A contiguous float32 NCHW descriptor. */
    private static MemorySegment contiguous(Shape nchw) {
        return Cudnn.tensor(nchw.toArray(), MemoryFormat.NCHW.strides(nchw), DType.FLOAT32);
    }

    private static int[] cudnnConvOutput(Conv2dSpec spec) {
        MemorySegment x = contiguous(spec.inputShape());
        MemorySegment w = Cudnn.filter(spec.outChannels(), spec.inChannels() / spec.groups(), spec.kernelH(), spec.kernelW(), DType.FLOAT32, MemoryFormat.NCHW);
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
            MemorySegment x = contiguous(spec.input());
            MemorySegment pool = CudaPooling.poolingDescriptor(spec);
            try {
                assertArrayEquals(spec.outputShape().toArray(), CudaPooling.outputDims(pool, x), "output dims of " + spec);
            } finally {
                cudnn_h.cudnnDestroyPoolingDescriptor(pool);
                cudnn_h.cudnnDestroyTensorDescriptor(x);
            }
        }
    }

    /** Every operand type the plans build descriptors for: NCHW and NHWC strides, float32 and the half types. */
    private static final List<OperandType> TYPES = List.of(OperandType.DEFAULT, OperandType.of(MemoryFormat.NHWC, DType.FLOAT32),
            OperandType.of(MemoryFormat.NHWC, DType.BFLOAT16), OperandType.of(MemoryFormat.NHWC, DType.FLOAT16), OperandType.of(MemoryFormat.NCHW, DType.BFLOAT16));

    @Test
    void channelsLastAndHalfPrecisionDescriptorsGiveTheSpecsOutputDims() {
        Conv2dSpec generic = new Conv2dSpec(2, 64, 14, 14, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, false);
        PoolSpec pool = PoolSpec.max(Shape.of(2, 64, 14, 14), 3, 2, 1, false);
        for (OperandType t : TYPES) {
            Conv2dSpec spec = generic.with(t);
            try (TensorDescriptors x = new TensorDescriptors("x", spec.inputShape(), t, dev.jdnn.memory.Device.CPU);
                 TensorDescriptors px = new TensorDescriptors("pool x", pool.input(), t, dev.jdnn.memory.Device.CPU)) {
                MemorySegment w = Cudnn.filter(128, 64, 3, 3, t.dtype(), t.format()); // KRSC for NHWC
                MemorySegment conv = CudaConv2d.convolutionDescriptor(spec, t.dtype() == DType.FLOAT32 ? cudnn_h.CUDNN_DEFAULT_MATH() : cudnn_h.CUDNN_TENSOR_OP_MATH());
                MemorySegment p = CudaPooling.poolingDescriptor(pool.with(t));
                try {
                    assertArrayEquals(spec.outputShape().toArray(), CudaConv2d.outputDims(conv, x.dense(), w), "conv output dims, " + t.describe());
                    assertArrayEquals(pool.outputShape().toArray(), CudaPooling.outputDims(p, px.dense()), "pool output dims, " + t.describe());
                } finally {
                    cudnn_h.cudnnDestroyPoolingDescriptor(p);
                    cudnn_h.cudnnDestroyConvolutionDescriptor(conv);
                    cudnn_h.cudnnDestroyFilterDescriptor(w);
                }
            }
        }
    }

    /**
     * The first convolution of the default GPU run (resnet20 on Fashion-MNIST: one input channel, NHWC): with C = 1 the
     * channels-last strides [HW, 1, W, 1] are also NCHW-packed ones, and the KRSC filter equals the KCRS one. cuDNN must
     * still accept the pair and size the output as the spec does, in every operand type the plans use.
     */
    @Test
    void singleChannelInputOfTheDefaultRunGivesTheSpecsOutputDims() {
        Conv2dSpec first = Conv2dSpec.of(Shape.of(128, 1, 28, 28), 16, 3, 1, 1, 1, 1, false);
        for (OperandType t : TYPES) {
            Conv2dSpec spec = first.with(t);
            try (TensorDescriptors x = new TensorDescriptors("x", spec.inputShape(), t, dev.jdnn.memory.Device.CPU)) {
                MemorySegment w = Cudnn.filter(16, 1, 3, 3, t.dtype(), t.format());
                MemorySegment conv = CudaConv2d.convolutionDescriptor(spec, t.dtype() == DType.FLOAT32 ? cudnn_h.CUDNN_DEFAULT_MATH() : cudnn_h.CUDNN_TENSOR_OP_MATH());
                try {
                    assertArrayEquals(spec.outputShape().toArray(), CudaConv2d.outputDims(conv, x.dense(), w), "conv output dims, " + t.describe());
                } finally {
                    cudnn_h.cudnnDestroyConvolutionDescriptor(conv);
                    cudnn_h.cudnnDestroyFilterDescriptor(w);
                }
            }
        }
    }

    /**
     * CudaBatchNorm passes float32 gamma, beta and statistics with the descriptor cuDNN derives from x: for bf16/fp16
     * x, in either layout and both modes it uses, that must be a packed float32 [1, C, 1, 1].
     */
    @Test
    void batchNormParametersOfHalfPrecisionChannelsLastInputAreDerivedFloat32() {
        for (OperandType t : TYPES) {
            for (int mode : new int[]{cudnn_h.CUDNN_BATCHNORM_SPATIAL(), cudnn_h.CUDNN_BATCHNORM_SPATIAL_PERSISTENT()}) {
                try (TensorDescriptors x = new TensorDescriptors("x", Shape.of(8, 64, 7, 7), t, dev.jdnn.memory.Device.CPU);
                     java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                    MemorySegment param = Cudnn.create(cudnn_h::cudnnCreateTensorDescriptor, "cudnnCreateTensorDescriptor");
                    try {
                        dev.jdnn.bindings.Check.cudnn(cudnn_h.cudnnDeriveBNTensorDescriptor(param, x.dense(), mode), "cudnnDeriveBNTensorDescriptor " + t.describe());
                        MemorySegment out = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT, 9);
                        MemorySegment[] o = new MemorySegment[9];
                        for (int i = 0; i < 9; i++) o[i] = out.asSlice(4L * i, 4);
                        dev.jdnn.bindings.Check.cudnn(cudnn_h.cudnnGetTensor4dDescriptor(param, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8]),
                                "cudnnGetTensor4dDescriptor");
                        int[] got = out.toArray(java.lang.foreign.ValueLayout.JAVA_INT);
                        assertArrayEquals(new int[]{cudnn_h.CUDNN_DATA_FLOAT(), 1, 64, 1, 1, 64, 1, 1, 1}, got,
                                t.describe() + ", mode " + mode + ": {dtype, N, C, H, W, strides}");
                    } finally {
                        cudnn_h.cudnnDestroyTensorDescriptor(param);
                    }
                }
            }
        }
    }

    /** A plan serves several nodes, so the persistent NHWC batch norm runs only where cuDNN keeps no reserve space. */
    @Test
    void persistentBatchNormOnlyWithoutReserveSpace() {
        assertArrayEquals(new long[]{4096, 8192}, CudaBatchNorm.persistentWorkspaces(new long[]{4096, 8192, 0}), "no reserve: persistent");
        assertNull(CudaBatchNorm.persistentWorkspaces(new long[]{4096, 8192, 512}), "a reserve would be shared by the plan's nodes: plain calls");
        assertNull(CudaBatchNorm.persistentWorkspaces(null), "cuDNN refused the mode");
    }

    /** A plan used after close() fails in Java, naming the operand, instead of handing cuDNN destroyed descriptors. */
    @Test
    void descriptorsOfAClosedPlanAreNotUsed() {
        TensorDescriptors x = new TensorDescriptors("conv2d input", Shape.of(2, 3, 4, 5), OperandType.DEFAULT, dev.jdnn.memory.Device.CPU);
        x.close();
        var e = assertThrows(IllegalStateException.class, x::dense);
        assertEquals("conv2d input: the plan was closed, its cuDNN descriptors are destroyed", e.getMessage());
        try (Tensor t = Tensor.zerosHost(Shape.of(2, 3, 4, 5))) {
            assertThrows(IllegalStateException.class, () -> x.of(t));
        }
        assertDoesNotThrow(x::close, "closing twice destroys nothing twice");
    }

    @Test
    void eachLayoutOfAnOperandGetsOneDescriptorAndOtherLayoutsAreRefusedByName() {
        Shape shape = Shape.of(2, 5, 4, 3);
        OperandType nhwc = OperandType.of(MemoryFormat.NHWC, DType.BFLOAT16);
        try (TensorDescriptors d = new TensorDescriptors("conv2d input", shape, nhwc, dev.jdnn.memory.Device.CPU);
             dev.jdnn.memory.Tensor dense = dev.jdnn.memory.Tensor.allocate(dev.jdnn.memory.HostAllocator.global(), shape, DType.BFLOAT16, MemoryFormat.NHWC);
             dev.jdnn.memory.Tensor wide = dev.jdnn.memory.Tensor.allocate(dev.jdnn.memory.HostAllocator.global(), shape.with(1, 9), DType.BFLOAT16, MemoryFormat.NHWC);
             dev.jdnn.memory.Tensor nchw = dev.jdnn.memory.Tensor.allocate(dev.jdnn.memory.HostAllocator.global(), shape, DType.BFLOAT16, MemoryFormat.NCHW)) {
            assertSame(d.dense(), d.of(dense), "a densely packed operand uses the plan-time descriptor");
            assertTrue(d.isDense(dense));
            dev.jdnn.memory.Tensor slice = wide.narrow(1, 2, 5); // pixel-strided: pixels 9 apart
            MemorySegment sliced = d.of(slice);
            assertNotEquals(d.dense(), sliced, "a channel slice gets its own descriptor");
            assertSame(sliced, d.of(wide.narrow(1, 4, 5)), "one descriptor per layout, not per tensor");
            assertFalse(d.isDense(slice));
            var e = assertThrows(IllegalArgumentException.class, () -> d.of(nchw));
            assertTrue(e.getMessage().contains("conv2d input: expected a channels-last (NHWC) tensor") && e.getMessage().endsWith("which is nchw"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Cudnn.dataType(DType.INT32));
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
        assertTrue(e.getMessage().contains("cudnnSetTensor4dDescriptorEx"), e.getMessage());
        assertTrue(e.getMessage().contains("CUDNN_STATUS_BAD_PARAM"), e.getMessage());
        assertEquals(Library.CUDNN, e.library());
    }

    @Test
    void strideBeyondIntRangeIsRejectedBeforeCallingCudnn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cudnn.tensor(2, 1, 1, 1, 1L << 32));
        assertTrue(e.getMessage().contains("stride 4294967296 of dimension 0"), e.getMessage());
    }

    @Test
    void lrnDescriptorBuilds() {
        MemorySegment l = CudaLrn.lrnDescriptor(new dev.jdnn.ops.LrnSpec(Shape.of(1, 8, 4, 4), 5, 1e-4, 0.75, 2.0));
        cudnn_h.cudnnDestroyLRNDescriptor(l);
    }
}
