package dev.jdnn.memory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** NCHW and NHWC as stride permutations of a logical NCHW shape; allocation, predicates and views in each format. */
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

    @Test
    void allocationInAFormatAndThePredicates() {
        Tensor nhwc = Tensor.allocate(HostAllocator.global(), S, DType.FLOAT32, MemoryFormat.NHWC);
        assertArrayEquals(new long[]{60, 1, 15, 3}, nhwc.strides());
        assertTrue(nhwc.isOwner());
        assertEquals(MemoryFormat.NHWC, nhwc.memoryFormat());
        assertTrue(MemoryFormat.NHWC.holds(nhwc) && !MemoryFormat.NCHW.holds(nhwc));
        assertEquals(3, nhwc.pixelStride());
        assertEquals("float32[2, 3, 4, 5] nhwc on cpu", nhwc.describe());
        Tensor nchw = Tensor.allocate(HostAllocator.global(), S, DType.FLOAT32, MemoryFormat.NCHW);
        assertTrue(nchw.isContiguous() && nchw.memoryFormat() == MemoryFormat.NCHW && !MemoryFormat.NHWC.holds(nchw));
        // Where channels-last order is row-major order too (one channel, or one pixel), the strides are row-major.
        for (Shape same : new Shape[]{Shape.of(2, 1, 4, 5), Shape.of(2, 8, 1, 1)}) {
            Tensor t = Tensor.allocate(HostAllocator.global(), same, DType.BFLOAT16, MemoryFormat.NHWC);
            assertTrue(t.isContiguous(), same.toString());
            assertTrue(MemoryFormat.NHWC.holds(t) && MemoryFormat.NCHW.holds(t), "both formats hold " + same);
            assertEquals(MemoryFormat.NCHW, t.memoryFormat(), "ambiguous tensors report NCHW");
        }
        assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(HostAllocator.global(), Shape.of(4, 6), DType.FLOAT32, MemoryFormat.NHWC));
        Tensor rows = Tensor.allocate(HostAllocator.global(), Shape.of(4, 6), DType.FLOAT32, MemoryFormat.NCHW);
        assertTrue(rows.isContiguous() && MemoryFormat.NCHW.holds(rows) && !MemoryFormat.NHWC.holds(rows));
    }

    @Test
    void aChannelSliceOfAnNhwcTensorIsPixelStrided() {
        // [2, 7, 4, 5] channels-last, channels 2..4 (3 of 7): pixels stay 7 apart.
        Shape whole = Shape.of(2, 7, 4, 5);
        Tensor concat = Tensor.allocate(HostAllocator.global(), whole, DType.FLOAT32, MemoryFormat.NHWC);
        float[] values = new float[(int) whole.numel()];
        for (int i = 0; i < values.length; i++) values[i] = i;
        concat.copyFrom(values); // logical NCHW order in, channels-last in memory
        Tensor slice = concat.narrow(1, 2, 3);
        assertTrue(slice.isPixelStrided() && !slice.isBatchStrided());
        assertEquals(7, slice.pixelStride());
        assertEquals(MemoryFormat.NHWC, slice.memoryFormat());
        assertFalse(MemoryFormat.NHWC.isLayoutOf(slice), "a slice is not densely packed");
        assertTrue(slice.describe().endsWith("nhwc on cpu (strides [140, 1, 35, 7])"), slice.describe());
        // Element (n=1, c=1, h=2, w=3) of the slice is element (1, 3, 2, 3) of the whole.
        assertEquals(values[((1 * 7 + 3) * 4 + 2) * 5 + 3], slice.getFloat(1, 1, 2, 3));
        float[] read = slice.toFloatArray();
        assertEquals(values[((0 * 7 + 2) * 4) * 5], read[0]);
        // A batch-strided NCHW slice is not pixel-strided; a view whose pixels overlap is neither.
        Tensor nchwSlice = Tensor.zerosHost(whole).narrow(1, 2, 3);
        assertTrue(nchwSlice.isBatchStrided() && !nchwSlice.isPixelStrided());
        Tensor overlapping = concat.asStrided(Shape.of(2, 7, 4, 5), new long[]{140, 1, 10, 2}, 0);
        assertFalse(MemoryFormat.NHWC.holds(overlapping) || MemoryFormat.NCHW.holds(overlapping));
        // Samples further apart than one sample (a batch-strided NHWC view) are still pixel-strided.
        Tensor spread = concat.asStrided(Shape.of(2, 3, 2, 5), new long[]{140, 1, 35, 7}, 0);
        assertTrue(spread.isPixelStrided());
    }

    @Test
    void halfPrecisionTensorsConvertOnAccess() {
        for (DType t : new DType[]{DType.BFLOAT16, DType.FLOAT16}) {
            Tensor h = Tensor.allocate(HostAllocator.global(), S, t, MemoryFormat.NHWC);
            assertEquals(S.numel() * 2, h.buffer().byteSize());
            float[] values = new float[(int) S.numel()];
            for (int i = 0; i < values.length; i++) values[i] = 0.1f * i - 3;
            h.copyFrom(values);
            float[] back = h.toFloatArray();
            for (int i = 0; i < values.length; i++) assertEquals(HalfFloats.quantize(t, values[i]), back[i], t + " element " + i);
            h.setFloat(1.0039062f, 1, 2, 3, 4); // 1 + 2^-8: a bfloat16 tie, 1 + 2^-8 exactly in float16
            assertEquals(HalfFloats.quantize(t, 1.0039062f), h.getFloat(1, 2, 3, 4));
            assertTrue(h.describe().startsWith(t.label() + "[2, 3, 4, 5] nhwc"), h.describe());
        }
        Tensor ints = Tensor.ofHostInts(Shape.of(2), 1, 2);
        assertThrows(IllegalArgumentException.class, ints::toFloatArray);
    }
}
