package dev.jdnn.ops.cpu;

import dev.jdnn.ops.Conv2dSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The im2col lowering of one sample and one group of a convolution: the column matrix has one row per
 * (input channel c, kernel row r, kernel column s) of the group, in the weight layout's order, and one column per
 * output pixel (oh, ow). Out-of-image taps read as zero. {@link #scatterAdd} is the adjoint (col2im).
 */
final class Im2col {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private Im2col() {}

    /** Rows of the column matrix: input channels per group x kernel taps. */
    static long rows(Conv2dSpec s) {
        return (long) (s.inChannels() / s.groups()) * s.kernelH() * s.kernelW();
    }

    /** Columns of the column matrix: output pixels. */
    static long cols(Conv2dSpec s) {
        return (long) s.outHeight() * s.outWidth();
    }

    /** First output index o >= 0 whose input index o * stride + offset is >= 0. */
    static int firstValid(int offset, int stride) {
        return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    }

    /** One past the last output index o < outSize whose input index o * stride + offset is < size. */
    static int endValid(int offset, int stride, int size, int outSize) {
        int room = size - offset;
        return room <= 0 ? 0 : Math.min(outSize, (room + stride - 1) / stride);
    }

    /** col = im2col(x), x pointing at the group's first input channel of one sample (element offset xOff). */
    static void gather(Conv2dSpec s, MemorySegment x, long xOff, MemorySegment col) {
        int h = s.height(), w = s.width(), p = s.outHeight(), q = s.outWidth();
        int cg = s.inChannels() / s.groups();
        long row = 0;
        for (int c = 0; c < cg; c++) {
            long plane = xOff + (long) c * h * w;
            for (int r = 0; r < s.kernelH(); r++) {
                int hOffset = r * s.dilationH() - s.padH();
                int ohLo = Math.min(p, firstValid(hOffset, s.strideH())), ohHi = Math.max(ohLo, endValid(hOffset, s.strideH(), h, p));
                for (int kw = 0; kw < s.kernelW(); kw++, row++) {
                    int wOffset = kw * s.dilationW() - s.padW();
                    int owLo = Math.min(q, firstValid(wOffset, s.strideW())), owHi = Math.max(owLo, endValid(wOffset, s.strideW(), w, q));
                    long dst = row * p * q;
                    fillZero(col, dst, (long) ohLo * q);
                    for (int oh = ohLo; oh < ohHi; oh++) {
                        long d = dst + (long) oh * q;
                        long src = plane + (long) (oh * s.strideH() + hOffset) * w + wOffset;
                        fillZero(col, d, owLo);
                        if (s.strideW() == 1) {
                            MemorySegment.copy(x, (src + owLo) * Float.BYTES, col, (d + owLo) * Float.BYTES, (long) (owHi - owLo) * Float.BYTES);
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) col.setAtIndex(F32, d + ow, x.getAtIndex(F32, src + (long) ow * s.strideW()));
                        }
                        fillZero(col, d + owHi, q - owHi);
                    }
                    fillZero(col, dst + (long) ohHi * q, (long) (p - ohHi) * q);
                }
            }
        }
    }

    /** dx += alpha * col2im(col), dx pointing at the group's first input channel of one sample (element offset dxOff). */
    static void scatterAdd(Conv2dSpec s, MemorySegment col, float alpha, MemorySegment dx, long dxOff) {
        int h = s.height(), w = s.width(), p = s.outHeight(), q = s.outWidth();
        int cg = s.inChannels() / s.groups();
        long row = 0;
        for (int c = 0; c < cg; c++) {
            long plane = dxOff + (long) c * h * w;
            for (int r = 0; r < s.kernelH(); r++) {
                int hOffset = r * s.dilationH() - s.padH();
                int ohLo = firstValid(hOffset, s.strideH()), ohHi = endValid(hOffset, s.strideH(), h, p);
                for (int kw = 0; kw < s.kernelW(); kw++, row++) {
                    int wOffset = kw * s.dilationW() - s.padW();
                    int owLo = firstValid(wOffset, s.strideW()), owHi = endValid(wOffset, s.strideW(), w, q);
                    for (int oh = ohLo; oh < ohHi; oh++) {
                        long d = row * p * q + (long) oh * q;
                        long dst = plane + (long) (oh * s.strideH() + hOffset) * w + wOffset;
                        for (int ow = owLo; ow < owHi; ow++) {
                            long e = dst + (long) ow * s.strideW();
                            dx.setAtIndex(F32, e, dx.getAtIndex(F32, e) + alpha * col.getAtIndex(F32, d + ow));
                        }
                    }
                }
            }
        }
    }

    private static void fillZero(MemorySegment seg, long from, long count) {
        if (count > 0) seg.asSlice(from * Float.BYTES, count * Float.BYTES).fill((byte) 0);
    }
}
