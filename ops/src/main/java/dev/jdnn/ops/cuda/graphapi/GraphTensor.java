package dev.jdnn.ops.cuda.graphapi;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;

import java.util.Arrays;

/**
 * A tensor of an operation graph, as cuDNN's tensor descriptor takes it: a unique id (the key of its device pointer in
 * the variant pack), element type, dimensions and strides (logical NCHW dimensions; the memory format is in the
 * strides), and whether it is virtual (an intermediate that never reaches memory) or passed by value (a host scalar).
 * Every tensor in memory is declared {@value #ALIGNMENT}-byte aligned; plans check their pointers against that.
 */
public record GraphTensor(long uid, ElementType type, long[] dims, long[] strides, boolean isVirtual, boolean byValue) {
    /** The byte alignment declared for every tensor's pointer. */
    public static final int ALIGNMENT = 16;

    public GraphTensor {
        if (uid <= 0) throw new IllegalArgumentException("graph tensor uids are positive, got " + uid);
        if (dims.length != strides.length || dims.length < 1 || dims.length > 8) {
            throw new IllegalArgumentException("tensor " + uid + ": dims " + Arrays.toString(dims) + " and strides " + Arrays.toString(strides) + " must have the same rank, 1 to 8");
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 1 || strides[i] < 1) {
                throw new IllegalArgumentException("tensor " + uid + ": dims " + Arrays.toString(dims) + " and strides " + Arrays.toString(strides) + " must be positive");
            }
        }
        if (isVirtual && byValue) throw new IllegalArgumentException("tensor " + uid + " cannot be both virtual and passed by value");
        dims = dims.clone();
        strides = strides.clone();
    }

    /** A tensor in device memory: logical shape {@code nchw} (any rank-4 NCHW/KCRS shape) in {@code layout}. */
    public static GraphTensor of(long uid, DType dtype, Shape nchw, MemoryFormat layout) {
        return new GraphTensor(uid, ElementType.of(dtype), toLongs(nchw), layout.strides(nchw), false, false);
    }

    /** A float32 per-channel vector [1, C, 1, 1] in device memory (bias, scale, statistics). */
    public static GraphTensor perChannel(long uid, int channels) {
        return new GraphTensor(uid, ElementType.FLOAT, new long[]{1, channels, 1, 1}, new long[]{channels, 1, 1, 1}, false, false);
    }

    /** A host scalar passed by value ([1, 1, 1, 1]): epsilon, a momentum, an element count. */
    public static GraphTensor scalar(long uid, ElementType type) {
        return new GraphTensor(uid, type, new long[]{1, 1, 1, 1}, new long[]{1, 1, 1, 1}, false, true);
    }

    /** A virtual intermediate of this tensor's dimensions and strides, of element type {@code type}. */
    public GraphTensor intermediate(long newUid, ElementType newType) {
        return new GraphTensor(newUid, newType, dims, strides, true, false);
    }

    @Override public long[] dims() { return dims.clone(); }
    @Override public long[] strides() { return strides.clone(); }

    /** Bytes from the first element to one past the last: what a buffer for this tensor must hold. */
    public long bytes() {
        long last = 0;
        for (int i = 0; i < dims.length; i++) last += (dims[i] - 1) * strides[i];
        return (last + 1) * type.byteSize;
    }

    /** The finalised cuDNN tensor descriptor, owned by {@code scope}. */
    BackendDescriptor build(DescriptorScope scope) {
        BackendDescriptor d = scope.create(DescriptorType.TENSOR)
                .setEnum(Attribute.TENSOR_DATA_TYPE, type.value)
                .setLongs(Attribute.TENSOR_DIMENSIONS, dims)
                .setLongs(Attribute.TENSOR_STRIDES, strides)
                .setLongs(Attribute.TENSOR_UNIQUE_ID, uid)
                .setLongs(Attribute.TENSOR_BYTE_ALIGNMENT, ALIGNMENT);
        if (isVirtual) d.setBoolean(Attribute.TENSOR_IS_VIRTUAL, true);
        if (byValue) d.setBoolean(Attribute.TENSOR_IS_BY_VALUE, true);
        return d.finish();
    }

    /** Same uid, type, dimensions, strides and flags. */
    boolean sameAs(GraphTensor o) {
        return uid == o.uid && type == o.type && Arrays.equals(dims, o.dims) && Arrays.equals(strides, o.strides) && isVirtual == o.isVirtual && byValue == o.byValue;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GraphTensor t && sameAs(t);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(uid) * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return "tensor " + uid + " " + type + " dims " + Arrays.toString(dims) + " strides " + Arrays.toString(strides)
                + (isVirtual ? " virtual" : "") + (byValue ? " by value" : "");
    }

    private static long[] toLongs(Shape s) {
        long[] d = new long[s.rank()];
        for (int i = 0; i < d.length; i++) d[i] = s.dim(i);
        return d;
    }
}
