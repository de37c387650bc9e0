package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cudnn.cudnn_h;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which math type a cuDNN convolution search result may run with (pure logic: the enum values come from the header). */
class ConvMathChoiceTest {
    @Test
    void tf32ModeKeepsDefaultTensorOpAndFmaButNeverFp16Conversion() {
        assertEquals(cudnn_h.CUDNN_DEFAULT_MATH(), CudaConv2d.usableMath(cudnn_h.CUDNN_DEFAULT_MATH(), false));
        assertEquals(cudnn_h.CUDNN_TENSOR_OP_MATH(), CudaConv2d.usableMath(cudnn_h.CUDNN_TENSOR_OP_MATH(), false));
        assertEquals(cudnn_h.CUDNN_FMA_MATH(), CudaConv2d.usableMath(cudnn_h.CUDNN_FMA_MATH(), false));
        assertEquals(-1, CudaConv2d.usableMath(cudnn_h.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION(), false));
    }

    @Test
    void strictModeAlwaysRunsFma() {
        for (int reported : new int[]{cudnn_h.CUDNN_DEFAULT_MATH(), cudnn_h.CUDNN_TENSOR_OP_MATH(),
                cudnn_h.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION(), cudnn_h.CUDNN_FMA_MATH()}) {
            assertEquals(cudnn_h.CUDNN_FMA_MATH(), CudaConv2d.usableMath(reported, true));
        }
    }
}
