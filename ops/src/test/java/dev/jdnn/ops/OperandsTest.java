package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The shared operand checks for formats and dtypes: what is accepted, and messages naming what was expected and what came. */
class OperandsTest {
    private static final Shape S = Shape.of(2, 5, 4, 3);
    private static final OperandType BF16_NHWC = OperandType.of(MemoryFormat.NHWC, DType.BFLOAT16);

    private static Tensor make(Shape s, DType t, MemoryFormat f) {
        return Tensor.allocate(HostAllocator.global(), s, t, f);
    }

    private static String refused(Runnable check) {
        return assertThrows(IllegalArgumentException.class, check::run).getMessage();
    }

    @Test
    void activationsMustHaveThePlansDtypeAndFormatViewsIncluded() {
        try (Tensor nhwc = make(S, DType.BFLOAT16, MemoryFormat.NHWC); Tensor wide = make(S.with(1, 9), DType.BFLOAT16, MemoryFormat.NHWC);
             Tensor nchw = make(S, DType.BFLOAT16, MemoryFormat.NCHW); Tensor f32 = make(S, DType.FLOAT32, MemoryFormat.NHWC)) {
            assertSame(nhwc, Operands.activation("conv2d input", nhwc, S, BF16_NHWC, Device.CPU));
            Operands.activation("conv2d input", wide.narrow(1, 2, 5), S, BF16_NHWC, Device.CPU); // pixel-strided
            assertEquals("conv2d input: expected a channels-last (NHWC) tensor, densely packed or pixel-strided, got bfloat16[2, 5, 4, 3] on cpu, which is nchw",
                    refused(() -> Operands.activation("conv2d input", nchw, S, BF16_NHWC, Device.CPU)));
            assertEquals("conv2d input: expected a bfloat16 tensor, got float32[2, 5, 4, 3] nhwc on cpu",
                    refused(() -> Operands.activation("conv2d input", f32, S, BF16_NHWC, Device.CPU)));
            assertEquals("conv2d input: expected shape [2, 5, 4, 4], got [2, 5, 4, 3]",
                    refused(() -> Operands.activation("conv2d input", nhwc, Shape.of(2, 5, 4, 4), BF16_NHWC, Device.CPU)));
            assertEquals("conv2d input: tensor is null, expected a bfloat16 nhwc tensor of shape [2, 5, 4, 3]",
                    refused(() -> Operands.activation("conv2d input", null, S, BF16_NHWC, Device.CPU)));
            assertTrue(refused(() -> Operands.activation("x", nhwc, S, OperandType.of(MemoryFormat.NCHW, DType.BFLOAT16), Device.CPU))
                    .endsWith("expected a contiguous or batch-strided tensor (NCHW: all dimensions but the first contiguous), got bfloat16[2, 5, 4, 3] nhwc on cpu, which is nhwc"));
            // a float32 gradient where the op allows it (the loss's dLogits, for loss scaling)
            Operands.activationOrFloat("dLogits", f32, S, BF16_NHWC, Device.CPU);
        }
    }

    @Test
    void weightsArePackedInTheFormatAndTheirGradientsAreFloat32() {
        Shape w = Shape.of(8, 5, 3, 3);
        try (Tensor krsc = make(w, DType.BFLOAT16, MemoryFormat.NHWC); Tensor oihw = make(w, DType.BFLOAT16, MemoryFormat.NCHW);
             Tensor grad = make(w, DType.FLOAT32, MemoryFormat.NHWC)) {
            Operands.weight("conv2d weight", krsc, w, BF16_NHWC, Device.CPU);
            assertEquals("conv2d weight: expected a densely packed channels-last (KRSC) tensor, got bfloat16[8, 5, 3, 3] on cpu",
                    refused(() -> Operands.weight("conv2d weight", oihw, w, BF16_NHWC, Device.CPU)));
            Operands.weightGradient("conv2d weight gradient", grad, w, BF16_NHWC, Device.CPU);
            assertTrue(refused(() -> Operands.weightGradient("conv2d weight gradient", krsc, w, BF16_NHWC, Device.CPU))
                    .startsWith("conv2d weight gradient: expected a float32 tensor"));
        }
    }

    @Test
    void pointwiseOperandsShareOneFormatAnyFloatDtype() {
        try (Tensor a = make(S, DType.FLOAT32, MemoryFormat.NHWC); Tensor b = make(S, DType.FLOAT16, MemoryFormat.NHWC);
             Tensor c = make(S, DType.BFLOAT16, MemoryFormat.NCHW); Tensor i = make(S, DType.INT32, MemoryFormat.NCHW)) {
            assertEquals(MemoryFormat.NHWC, Operands.sameFormat("add", Device.CPU, new String[]{"a", "b"}, a, b));
            assertEquals(MemoryFormat.NCHW, Operands.sameFormat("add", Device.CPU, new String[]{"c"}, c));
            String mixed = refused(() -> Operands.sameFormat("add", Device.CPU, new String[]{"a", "c"}, a, c));
            assertTrue(mixed.startsWith("add: operands must share one memory format") && mixed.contains("a float32[2, 5, 4, 3] nhwc on cpu, c bfloat16[2, 5, 4, 3] on cpu"), mixed);
            assertEquals("add i: expected a float32, bfloat16 or float16 tensor, got int32[2, 5, 4, 3] on cpu",
                    refused(() -> Operands.sameFormat("add", Device.CPU, new String[]{"c", "i"}, c, i)));
        }
    }

    @Test
    void operandTypesAreFloatingPointAndNhwcNeedsFourDimensions() {
        assertEquals("activations are stored as float32, bfloat16 or float16, got INT32",
                refused(() -> OperandType.of(MemoryFormat.NCHW, DType.INT32)));
        assertEquals("activation RELU: NHWC operands need a rank-4 (logical NCHW) shape, got [4, 10]",
                refused(() -> new dev.jdnn.ops.cpu.CpuBackend().activation(Activation.RELU, 0, Shape.of(4, 10), BF16_NHWC)));
        assertTrue(refused(() -> new DropoutSpec(Shape.of(4, 10), 0.5f, 1, BF16_NHWC)).contains("NHWC operands need a rank-4"));
        assertEquals(OperandType.DEFAULT, new Conv2dSpec(1, 2, 3, 3, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1, false).operands());
        assertEquals(BF16_NHWC, new BatchNormSpec(S, 1e-5, 0.1).with(BF16_NHWC).operands());
        assertEquals("bfloat16 nhwc", BF16_NHWC.describe());
        assertTrue(OperandType.DEFAULT.isDefault() && !BF16_NHWC.isDefault());
    }
}
