package dev.jdnn.memory;

import java.util.Arrays;

/** An immutable list of dimension sizes, NCHW by convention for images. */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) throw new IllegalArgumentException("negative dimension " + dims[i] + " at index " + i + " in " + Arrays.toString(dims));
        }
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        if (i < 0) i += dims.length;
        if (i < 0 || i >= dims.length) throw new IndexOutOfBoundsException("dimension " + i + " of shape " + this);
        return dims[i];
    }

    public int[] toArray() {
        return dims.clone();
    }

    public long numel() {
        long n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    /** The same shape with dimension {@code i} replaced. */
    public Shape with(int i, int size) {
        int[] d = dims.clone();
        d[i < 0 ? i + dims.length : i] = size;
        return new Shape(d);
    }

    /** Row-major (C-order) strides in elements. */
    public long[] contiguousStrides() {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
