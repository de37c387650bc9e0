package dev.jdnn.memory;

/**
 * How a rank-4 tensor whose {@link Shape} is logical NCHW (or KCRS for filters) lies in memory. The shape never
 * changes with the format; only the strides do, as with PyTorch's {@code channels_last}:
 * <ul>
 *   <li>{@link #NCHW}: row-major, strides {@code [C*H*W, H*W, W, 1]};</li>
 *   <li>{@link #NHWC}: channels last, strides {@code [H*W*C, 1, W*C, C]} (a filter [K, C, R, S] is then stored KRSC).</li>
 * </ul>
 * Hopper's tensor-core convolutions and cuDNN's fused engines prefer NHWC.
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
        if (t.rank() != 4) return false;
        long[] want = strides(t.shape()), have = t.strides();
        for (int i = 0; i < 4; i++) {
            if (t.dim(i) > 1 && want[i] != have[i]) return false;
        }
        return true;
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
