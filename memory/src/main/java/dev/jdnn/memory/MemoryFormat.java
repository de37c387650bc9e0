package dev.jdnn.memory;

/**
 * How a rank-4 tensor whose {@link Shape} is logical NCHW (or KCRS for filters) lies in memory. The shape never
 * changes with the format; only the strides do, as with PyTorch's {@code channels_last}:
 * <ul>
 *   <li>{@link #NCHW}: row-major, strides {@code [C*H*W, H*W, W, 1]};</li>
 *   <li>{@link #NHWC}: channels last, strides {@code [H*W*C, 1, W*C, C]} (a filter [K, C, R, S] is then stored KRSC).</li>
 * </ul>
 * Hopper's tensor-core convolutions and cuDNN's fused engines prefer NHWC.
 *
 * <p>Views: a tensor {@link #holds} a format when the ops accept it as an operand in that format. In NCHW that is a
 * <em>batch-strided</em> tensor (every dimension but N packed, N any stride of at least one sample), e.g. a channel
 * slice of an NCHW concatenation; in NHWC a <em>pixel-strided</em> one (channel stride 1, a pixel stride P >= C
 * between consecutive W positions, H stride W*P, N any stride of at least H*W*P), e.g. a channel slice
 * ({@link Tensor#narrow} of dimension 1) of an NHWC concatenation, whose pixels are Ctotal apart. Tensors of other
 * ranks (a linear layer's [N, F]) are NCHW by convention: batch-strided rows.
 */
public enum MemoryFormat {
    NCHW, NHWC;

    /** The element strides of a densely packed tensor of logical shape {@code nchw} in this format. */
    public long[] strides(Shape nchw) {
        if (nchw.rank() != 4) throw new IllegalArgumentException("memory format " + this + " needs a rank-4 (NCHW) shape, got " + nchw);
        long c = nchw.dim(1), h = nchw.dim(2), w = nchw.dim(3);
        return switch (this) {
            case NCHW -> new long[]{c * h * w, h * w, w, 1};
            case NHWC -> new long[]{h * w * c, 1, w * c, c};
        };
    }

    /**
     * True when {@code t} is densely packed in this format: its strides equal {@link #strides} in every dimension of
     * size greater than 1 (the stride of a size-1 dimension never moves an address, so it may be anything).
     */
    public boolean isLayoutOf(Tensor t) {
        return t.rank() == 4 && isDense(t.shape(), t.strides());
    }

    /**
     * The strides a new tensor of this format gets ({@link Tensor#allocate(Allocator, Shape, DType, MemoryFormat)}):
     * {@link #strides} for rank 4, except that where the NHWC order is the row-major order too (one channel, or one
     * pixel per sample) the row-major strides are used, so such a tensor is also {@link Tensor#isContiguous()}.
     * NCHW also takes any other rank (row-major strides).
     */
    public long[] allocationStrides(Shape shape) {
        if (this == NCHW && shape.rank() != 4) return shape.contiguousStrides();
        long[] s = strides(shape);
        return NCHW.isDense(shape, s) ? shape.contiguousStrides() : s;
    }

    private boolean isDense(Shape shape, long[] have) {
        long[] want = strides(shape);
        for (int i = 0; i < 4; i++) if (shape.dim(i) > 1 && want[i] != have[i]) return false;
        return true;
    }

    /**
     * True when the ops accept {@code t} as an operand in this format: batch-strided for NCHW (any rank),
     * pixel-strided for NHWC (rank 4), see the class comment. Densely packed tensors of the format are included.
     */
    public boolean holds(Tensor t) {
        return this == NCHW ? t.isBatchStrided() : t.isPixelStrided();
    }

    /** "nchw" or "nhwc", as messages and reports write it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A view of {@code dense}, a contiguous tensor holding the values in this format's order, as a logical NCHW tensor. */
    public Tensor view(Tensor dense, Shape nchw) {
        if (!dense.isContiguous() || dense.numel() != nchw.numel()) {
            throw new IllegalArgumentException("memory format " + this + ": a view of shape " + nchw + " needs a contiguous tensor of "
                    + nchw.numel() + " elements, got " + dense.describe());
        }
        return dense.asStrided(nchw, strides(nchw), 0);
    }

    /** The shape in which this format stores a logical NCHW shape densely: NCHW as is, NHWC as [N, H, W, C]. */
    public Shape storageShape(Shape nchw) {
        strides(nchw); // validates the rank
        return this == NCHW ? nchw : Shape.of(nchw.dim(0), nchw.dim(2), nchw.dim(3), nchw.dim(1));
    }
}
