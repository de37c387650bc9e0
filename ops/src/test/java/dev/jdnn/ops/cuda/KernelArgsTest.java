package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.LossScaling;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.PoolSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The arguments the CUDA ops build for their NVRTC kernels, checked against the kernels' signatures without a GPU,
 * with channels-last half-precision operands (the kinds are the same for every type; the walks and refs say the rest).
 * LRN's, dropout's and the strided cast's have their own tests (CudaLrnTest, DropoutArgsTest, CastArgsTest).
 */
class KernelArgsTest {
    private static final OperandType BF16_NHWC = OperandType.of(MemoryFormat.NHWC, DType.BFLOAT16);
    private static final Shape S = Shape.of(2, 6, 5, 4);

    private static Tensor make(Shape s, DType t, MemoryFormat f) {
        return Tensor.allocate(HostAllocator.global(), s, t, f);
    }

    private static void check(KernelFile file, Kernel kernel, Object[] args) {
        KernelSignature.parse(KernelCache.source(file), kernel.name()).check(args);
    }

    @Test
    void activations() {
        try (Tensor x = make(S, DType.BFLOAT16, MemoryFormat.NHWC); Tensor y = make(S, DType.BFLOAT16, MemoryFormat.NHWC)) {
            Object[] f = CudaActivations.forwardArgs(Activation.SILU, 0f, BF16_NHWC, 1f, x, 0f, y);
            check(KernelFile.ACTIVATIONS, Kernel.ACTIVATION_FORWARD, f);
            assertEquals(new KernelOperands.Walk(2, 6, 20, true, true), f[2], "channels fastest, both dense");
            assertEquals(1, ((KernelOperands.Ref) f[4]).type(), "bfloat16");
            check(KernelFile.ACTIVATIONS, Kernel.ACTIVATION_BACKWARD, CudaActivations.backwardArgs(Activation.GELU_ERF, 0f, BF16_NHWC, 1f, x, y, y, 0f, x));
        }
    }

    @Test
    void pooling() {
        try (Tensor x = make(S, DType.FLOAT16, MemoryFormat.NHWC)) {
            for (PoolSpec spec : new PoolSpec[] {PoolSpec.max(S, 2, 2, 0, true).with(BF16_NHWC), PoolSpec.adaptiveAvg(S, 2, 3).with(BF16_NHWC)}) {
                try (Tensor y = make(spec.outputShape(), DType.FLOAT16, MemoryFormat.NHWC)) {
                    boolean adaptive = spec.mode() == PoolSpec.Mode.ADAPTIVE_AVG;
                    Object[] f = CudaPooling.forwardArgs(spec, 1f, x, 0f, y);
                    check(KernelFile.POOLING, adaptive ? Kernel.ADAPTIVE_AVG_FORWARD : Kernel.POOL_FORWARD, f);
                    assertArrayEquals(new int[] {6, 5, 4, spec.outHeight(), spec.outWidth(), spec.kernelH(), spec.kernelW(), spec.strideH(),
                            spec.strideW(), spec.padH(), spec.padW()}, (int[]) f[0], "Geometry: channels, H, W, OH, OW, kernel, stride, pad");
                    KernelOperands.Walk out = (KernelOperands.Walk) f[adaptive ? 1 : 2];
                    assertEquals((long) spec.outHeight() * spec.outWidth(), out.hw(), "threads walk the output");
                    check(KernelFile.POOLING, adaptive ? Kernel.ADAPTIVE_AVG_BACKWARD : Kernel.POOL_BACKWARD, CudaPooling.backwardArgs(spec, 1f, x, y, 0f, x));
                }
            }
        }
    }

    @Test
    void crossEntropyAndLossScaling() {
        try (Tensor logits = make(Shape.of(4, 10), DType.FLOAT16, MemoryFormat.NCHW); Tensor labels = make(Shape.of(4), DType.INT32, MemoryFormat.NCHW);
             Tensor rows = make(Shape.of(4), DType.FLOAT32, MemoryFormat.NCHW); Tensor d = make(Shape.of(4, 10), DType.FLOAT32, MemoryFormat.NCHW);
             Tensor state = make(Shape.of(2), DType.FLOAT32, MemoryFormat.NCHW); Tensor flag = make(Shape.of(1), DType.FLOAT32, MemoryFormat.NCHW)) {
            Object[] xent = CudaCrossEntropy.rowsArgs(10, 0.1f, logits, labels, rows, 0.25f, 0f, d);
            check(KernelFile.LOSS, Kernel.SOFTMAX_XENT_ROWS, xent);
            assertEquals(new KernelOperands.Ref(logits.address(), 10, 1, 0, 2), xent[2], "rows 10 apart, float16");
            assertEquals(0L, ((KernelOperands.Ref) CudaCrossEntropy.rowsArgs(10, 0f, logits, labels, rows, 1f, 0f, null)[7]).address(),
                    "no gradient: a null Ref the kernel tests for");
            check(KernelFile.OPTIMIZERS, Kernel.LOSS_SCALE, CudaLossScaling.lossScaleArgs(KernelOperands.walk(MemoryFormat.NCHW, d, logits), d, state, logits));
            Object[][] unscale = CudaLossScaling.unscaleArgs(d, state, flag, true, rows, 4);
            check(KernelFile.OPTIMIZERS, Kernel.UNSCALE_PARTIAL, unscale[0]);
            check(KernelFile.OPTIMIZERS, Kernel.UNSCALE_FINISH, unscale[1]);
            check(KernelFile.OPTIMIZERS, Kernel.UPDATE_LOSS_SCALE, CudaLossScaling.updateArgs(state, flag, LossScaling.torchDefaults()));
        }
    }

    @Test
    void theKernelsShareTheLossScalingStateLayoutAndConvertFloat16WithPtx() {
        String optimizers = KernelCache.source(KernelFile.OPTIMIZERS);
        assertTrue(optimizers.contains("#define LOSS_SCALE " + LossScaling.SCALE), "state[LOSS_SCALE] is LossScaling.SCALE");
        assertTrue(optimizers.contains("#define LOSS_GOOD_STEPS " + LossScaling.GOOD_STEPS));
        String common = KernelCache.source(KernelFile.POINTWISE);
        for (DType t : new DType[] {DType.FLOAT32, DType.BFLOAT16, DType.FLOAT16, DType.INT32}) {
            String name = switch (t) { case FLOAT32 -> "DT_F32"; case BFLOAT16 -> "DT_BF16"; case FLOAT16 -> "DT_F16"; default -> "DT_I32"; };
            assertTrue(common.contains("#define " + name + " " + KernelOperands.typeCode(t)), name + " is typeCode(" + t + ")");
        }
    }
}
