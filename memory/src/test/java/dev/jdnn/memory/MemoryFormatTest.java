package dev.jdnn.memory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** NCHW and NHWC as stride permutations of a logical NCHW shape. */
class MemoryFormatTest {
    private static final Shape S = Shape.of(2, 3, 4, 5);

    @Test
    void stridesOfBothFormats() {
        assertArrayEquals(new long[]{60, 20, 5, 1}, MemoryFormat.NCHW.strides(S));
        assertArrayEquals(S.contiguousStrides(), MemoryFormat.NCHW.strides(S));
        assertArrayEquals(new long[]{60, 1, 15, 3}, MemoryFormat.NHWC.strides(S));
        assertThrows(IllegalArgumentException.class, () -> MemoryFormat.NHWC.strides(Shape.of(2, 3)));
    }

    @Test
    void anNhwcViewAddressesEachElementWhereChannelsLastStoresIt() {
        // Storage [N, H, W, C] filled with the value n*1000 + h*100 + w*10 + c.
        Shape storage = MemoryFormat.NHWC.storageShape(S);
        assertEquals(Shape.of(2, 4, 5, 3), storage);
        float[] values = new float[(int) S.numel()];
        int i = 0;
        for (int n = 0; n < 2; n++) for (int h = 0; h < 4; h++) for (int w = 0; w < 5; w++) for (int c = 0; c < 3; c++) {
            values[i++] = n * 1000 + h * 100 + w * 10 + c;
        }
        Tensor dense = Tensor.ofHost(storage, values);
        Tensor nchw = MemoryFormat.NHWC.view(dense, S);
        assertEquals(S, nchw.shape());
        assertEquals(1312f, nchw.getFloat(1, 2, 3, 1)); // n=1, c=2, h=3, w=1
        assertEquals(32f, nchw.getFloat(0, 2, 0, 3));
        assertTrue(MemoryFormat.NHWC.isLayoutOf(nchw));
        assertFalse(MemoryFormat.NCHW.isLayoutOf(nchw));
        assertTrue(MemoryFormat.NCHW.isLayoutOf(Tensor.zerosHost(S)));
        assertFalse(MemoryFormat.NHWC.isLayoutOf(Tensor.zerosHost(S)));
    }

    @Test
    void sizeOneDimensionsMayHaveAnyStride() {
        Shape perChannel = Shape.of(1, 8, 1, 1);
        Tensor t = Tensor.zerosHost(perChannel);
        assertTrue(MemoryFormat.NCHW.isLayoutOf(t));
        assertTrue(MemoryFormat.NHWC.isLayoutOf(t), "a [1, C, 1, 1] vector is dense in both formats");
        Tensor slice = Tensor.zerosHost(Shape.of(2, 6, 4, 5)).narrow(1, 0, 3);
        assertFalse(MemoryFormat.NCHW.isLayoutOf(slice), "a channel slice is not densely packed");
        assertFalse(MemoryFormat.NCHW.isLayoutOf(Tensor.zerosHost(Shape.of(8))), "rank 1 has no NCHW layout");
    }

    @Test
    void aViewNeedsAContiguousTensorOfTheRightSize() {
        assertThrows(IllegalArgumentException.class, () -> MemoryFormat.NHWC.view(Tensor.zerosHost(Shape.of(10)), S));
    }
}
