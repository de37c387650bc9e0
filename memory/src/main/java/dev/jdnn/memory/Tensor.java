package dev.jdnn.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A strided view of a {@link Buffer}: shape, element strides, element offset and dtype. The tensor that allocated
 * the buffer owns it and frees it on {@link #close()}; views ({@link #narrow}, {@link #reshape}, {@link #step})
 * share the buffer and close as a no-op. Any access after the owner closed throws {@link IllegalStateException}.
 *
 * <p>Layout vocabulary used across the backends:
 * <ul>
 *   <li><b>contiguous</b>: row-major strides, no gaps;</li>
 *   <li><b>batch-strided</b>: every dimension but the first is contiguous, the first (N) may have any stride ≥ the
 *       size of one sample. A channel slice of an NCHW tensor is batch-strided; this is how concatenation writes
 *       producers straight into the output with no copy. Every op accepts batch-strided NCHW operands.</li>
 *   <li><b>channels-last</b> ({@link MemoryFormat#NHWC}): the shape stays logical NCHW, the strides are permuted;
 *       <b>pixel-strided</b> is its batch-strided: channel stride 1, pixels P >= C apart, samples at least H*W*P
 *       apart — a channel slice of an NHWC tensor. Every op accepts pixel-strided operands in NHWC.</li>
 * </ul>
 * Element types: float32, and bfloat16 / float16 storage, which the element accessors ({@link #getFloat},
 * {@link #toFloatArray}, {@link #copyFrom}) convert from and to float (rounding to nearest even, {@link HalfFloats}).
 */
public final class Tensor implements AutoCloseable {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final Buffer buffer;
    private final Shape shape;
    private final long[] strides;
    private final long offset; // in elements
    private final DType dtype;
    private final boolean owner;

    private Tensor(Buffer buffer, Shape shape, long[] strides, long offset, DType dtype, boolean owner) {
        this.buffer = buffer;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.dtype = dtype;
        this.owner = owner;
    }

    /** A new contiguous tensor owning a fresh buffer from {@code allocator}; contents undefined. */
    public static Tensor allocate(Allocator allocator, Shape shape, DType dtype) {
        Buffer b = allocator.allocate(shape.numel() * dtype.byteSize());
        return new Tensor(b, shape, shape.contiguousStrides(), 0, dtype, true);
    }

    /**
     * A new tensor owning a fresh buffer, laid out in {@code format} ({@link MemoryFormat#allocationStrides}): NHWC
     * gives a channels-last tensor of the logical NCHW {@code shape}. Contents undefined.
     */
    public static Tensor allocate(Allocator allocator, Shape shape, DType dtype, MemoryFormat format) {
        long[] strides = format.allocationStrides(shape);
        Buffer b = allocator.allocate(shape.numel() * dtype.byteSize());
        return new Tensor(b, shape, strides, 0, dtype, true);
    }

    /** A new host float32 tensor holding a copy of {@code data}. */
    public static Tensor ofHost(Shape shape, float... data) {
        if (data.length != shape.numel()) {
            throw new IllegalArgumentException("shape " + shape + " holds " + shape.numel() + " elements but " + data.length + " values were given");
        }
        Tensor t = allocate(HostAllocator.global(), shape, DType.FLOAT32);
        MemorySegment.copy(data, 0, t.buffer.hostSegment(), F32, 0, data.length);
        return t;
    }

    /** A new host int32 tensor holding a copy of {@code data} (labels). */
    public static Tensor ofHostInts(Shape shape, int... data) {
        if (data.length != shape.numel()) {
            throw new IllegalArgumentException("shape " + shape + " holds " + shape.numel() + " elements but " + data.length + " values were given");
        }
        Tensor t = allocate(HostAllocator.global(), shape, DType.INT32);
        MemorySegment.copy(data, 0, t.buffer.hostSegment(), I32, 0, data.length);
        return t;
    }

    /** A new zero-filled host float32 tensor. */
    public static Tensor zerosHost(Shape shape) {
        Tensor t = allocate(HostAllocator.global(), shape, DType.FLOAT32);
        t.buffer.hostSegment().fill((byte) 0);
        return t;
    }

    public Shape shape() { return shape; }
    public int dim(int i) { return shape.dim(i); }
    public int rank() { return shape.rank(); }
    public DType dtype() { return dtype; }
    public Device device() { return buffer.device(); }
    public Buffer buffer() { return buffer; }
    public long[] strides() { return strides.clone(); }
    public long stride(int i) { return strides[i < 0 ? i + strides.length : i]; }
    /** Offset of element 0 from the buffer start, in elements. */
    public long offset() { return offset; }
    public long numel() { return shape.numel(); }
    public boolean isOwner() { return owner; }
    public boolean isClosed() { return buffer.isClosed(); }

    /** Device (or host) address of element 0. */
    public long address() {
        return buffer.address() + offset * dtype.byteSize();
    }

    /** Number of elements between element 0 and one past the last element this view can touch. */
    public long span() {
        if (numel() == 0) return 0;
        long last = 0;
        for (int i = 0; i < strides.length; i++) last += (long) (shape.dim(i) - 1) * strides[i];
        return last + 1;
    }

    /** Host memory from element 0 to the end of this view's span. Throws for device tensors. */
    public MemorySegment hostSegment() {
        return buffer.hostSegment().asSlice(offset * dtype.byteSize(), span() * dtype.byteSize());
    }

    public boolean isContiguous() {
        return Arrays.equals(strides, shape.contiguousStrides()) || numel() <= 1;
    }

    /** True when all dimensions after the first are contiguous (see class comment). */
    public boolean isBatchStrided() {
        if (rank() == 0) return true;
        long[] c = shape.contiguousStrides();
        for (int i = 1; i < c.length; i++) if (strides[i] != c[i] && shape.dim(i) != 1) return false;
        return strides[0] >= (rank() > 1 ? c[0] : 1) || shape.dim(0) <= 1;
    }

    /**
     * True for a rank-4 channels-last tensor whose pixels may lie further apart than its channel count (see class
     * comment): channel stride 1, W stride P >= C, H stride W*P, N stride >= H*W*P (size-1 dimensions excepted).
     */
    public boolean isPixelStrided() {
        if (rank() != 4) return false;
        int n = shape.dim(0), c = shape.dim(1), h = shape.dim(2), w = shape.dim(3);
        long p = pixelStride();
        if (c > 1 && strides[1] != 1) return false;
        if (p < c || (h > 1 && strides[2] != w * p)) return false;
        return n <= 1 || strides[0] >= (long) h * w * p;
    }

    /**
     * Elements between consecutive pixels of a rank-4 tensor: the W stride (the H stride when W is 1, the channel count
     * when a sample has one pixel). For a pixel-strided tensor this is its P; a densely packed NHWC one has P = C.
     */
    public long pixelStride() {
        if (rank() != 4) throw new IllegalStateException("pixelStride needs a rank-4 (NCHW-shaped) tensor, got " + describe());
        if (shape.dim(3) > 1) return strides[3];
        if (shape.dim(2) > 1) return strides[2];
        return shape.dim(1);
    }

    /**
     * NHWC for a channels-last tensor (pixel-strided and not also batch-strided NCHW, which a tensor with one channel or
     * one pixel per sample is); NCHW for everything else, including other ranks and tensors that hold neither format
     * (check with {@link MemoryFormat#holds}).
     */
    public MemoryFormat memoryFormat() {
        return rank() == 4 && !isBatchStrided() && isPixelStrided() ? MemoryFormat.NHWC : MemoryFormat.NCHW;
    }

    /** Elements between the starts of consecutive samples (dimension 0). */
    public long batchStride() {
        return strides[0];
    }

    /** Elements in one sample: the product of all dimensions but the first. */
    public long sampleSize() {
        return rank() == 0 ? 1 : numel() / Math.max(1, shape.dim(0)) ;
    }

    // ---- views -------------------------------------------------------------------------------------------------

    /** A view with another shape of the same element count; this tensor must be contiguous. */
    public Tensor reshape(Shape newShape) {
        if (newShape.numel() != numel()) {
            throw new IllegalArgumentException("cannot reshape " + shape + " (" + numel() + " elements) to " + newShape + " (" + newShape.numel() + " elements)");
        }
        if (!isContiguous()) {
            // A batch-strided tensor can still be reshaped if the first dimension is kept.
            if (isBatchStrided() && newShape.rank() >= 1 && newShape.dim(0) == shape.dim(0)) {
                long[] s = newShape.contiguousStrides();
                s[0] = strides[0];
                return new Tensor(buffer, newShape, s, offset, dtype, false);
            }
            throw new IllegalStateException("cannot reshape non-contiguous tensor " + describe() + " to " + newShape);
        }
        return new Tensor(buffer, newShape, newShape.contiguousStrides(), offset, dtype, false);
    }

    public Tensor reshape(int... dims) {
        return reshape(Shape.of(dims));
    }

    /** A view of {@code length} entries of dimension {@code dim} starting at {@code start} (zero-copy). */
    public Tensor narrow(int dim, int start, int length) {
        int d = dim < 0 ? dim + rank() : dim;
        if (start < 0 || length < 0 || start + length > shape.dim(d)) {
            throw new IndexOutOfBoundsException("narrow(dim=" + d + ", start=" + start + ", length=" + length + ") out of range for shape " + shape);
        }
        return new Tensor(buffer, shape.with(d, length), strides.clone(), offset + start * strides[d], dtype, false);
    }

    /** A view taking every {@code step}-th entry of dimension {@code dim} (like {@code x[:, :, ::2]}). */
    public Tensor step(int dim, int step) {
        int d = dim < 0 ? dim + rank() : dim;
        if (step < 1) throw new IllegalArgumentException("step must be >= 1, got " + step);
        long[] s = strides.clone();
        s[d] *= step;
        return new Tensor(buffer, shape.with(d, (shape.dim(d) + step - 1) / step), s, offset, dtype, false);
    }

    /** A view sharing this tensor's memory with the given shape and strides; the caller vouches they fit. */
    public Tensor asStrided(Shape newShape, long[] newStrides, long elementOffset) {
        if (newStrides.length != newShape.rank()) throw new IllegalArgumentException("strides " + Arrays.toString(newStrides) + " do not match shape " + newShape);
        Tensor t = new Tensor(buffer, newShape, newStrides.clone(), offset + elementOffset, dtype, false);
        long end = (t.offset + t.span()) * dtype.byteSize();
        if (t.offset < 0 || end > buffer.byteSize()) throw new IndexOutOfBoundsException("strided view " + t.describe() + " exceeds its buffer of " + buffer.byteSize() + " bytes");
        return t;
    }

    /**
     * A view of this tensor's buffer holding {@code dtype} elements, starting {@code byteOffset} bytes after this
     * tensor's element 0, with the given shape and element strides: how one planned arena of bytes holds buffers of
     * several dtypes. The offset must be a multiple of the new element size and the view must fit the buffer.
     */
    public Tensor viewAs(DType newDtype, Shape newShape, long[] newStrides, long byteOffset) {
        long start = offset * dtype.byteSize() + byteOffset;
        if (byteOffset < 0 || start % newDtype.byteSize() != 0) {
            throw new IllegalArgumentException("a " + newDtype + " view must start at a multiple of " + newDtype.byteSize() + " bytes, got byte " + start + " of " + describe());
        }
        if (newStrides.length != newShape.rank()) throw new IllegalArgumentException("strides " + Arrays.toString(newStrides) + " do not match shape " + newShape);
        Tensor t = new Tensor(buffer, newShape, newStrides.clone(), start / newDtype.byteSize(), newDtype, false);
        if ((t.offset + t.span()) * newDtype.byteSize() > buffer.byteSize()) {
            throw new IndexOutOfBoundsException("view " + t.describe() + " at byte " + start + " exceeds its buffer of " + buffer.byteSize() + " bytes");
        }
        return t;
    }

    // ---- element access (host only; for tests, I/O and small things) -------------------------------------------

    private long elementIndex(long[] idx) {
        if (idx.length != rank()) throw new IllegalArgumentException("index " + Arrays.toString(idx) + " does not match rank " + rank() + " of " + shape);
        long e = offset;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape.dim(i)) throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of range for " + shape);
            e += idx[i] * strides[i];
        }
        return e;
    }

    /** Element {@code idx} of a host float32, bfloat16 or float16 tensor, as a float. */
    public float getFloat(long... idx) {
        requireFloatingPoint();
        return load(buffer.hostSegment(), elementIndex(idx));
    }

    /** Stores {@code value} at {@code idx} of a host floating-point tensor, rounded to its dtype. */
    public void setFloat(float value, long... idx) {
        requireFloatingPoint();
        store(buffer.hostSegment(), elementIndex(idx), value);
    }

    private float load(MemorySegment seg, long e) {
        return dtype == DType.FLOAT32 ? seg.getAtIndex(F32, e) : HalfFloats.decode(dtype, seg.getAtIndex(I16, e));
    }

    private void store(MemorySegment seg, long e, float v) {
        if (dtype == DType.FLOAT32) seg.setAtIndex(F32, e, v); else seg.setAtIndex(I16, e, HalfFloats.encode(dtype, v));
    }

    /**
     * Copies a host floating-point tensor, in row-major order of its (logical) shape, into a new float array; bfloat16
     * and float16 values convert exactly.
     */
    public float[] toFloatArray() {
        requireFloatingPoint();
        float[] out = new float[Math.toIntExact(numel())];
        MemorySegment seg = buffer.hostSegment();
        if (isContiguous() && dtype == DType.FLOAT32) {
            MemorySegment.copy(seg, F32, offset * 4, out, 0, out.length);
            return out;
        }
        int[] dims = shape.toArray();
        long[] idx = new long[dims.length];
        for (int i = 0; i < out.length; i++) {
            long e = offset;
            for (int k = 0; k < dims.length; k++) e += idx[k] * strides[k];
            out[i] = load(seg, e);
            for (int k = dims.length - 1; k >= 0 && ++idx[k] == dims[k]; k--) idx[k] = 0;
        }
        return out;
    }

    /**
     * Copies {@code data} (row-major order of this logical shape) into this host floating-point tensor, honouring
     * strides; bfloat16 and float16 round to nearest even.
     */
    public void copyFrom(float[] data) {
        requireFloatingPoint();
        if (data.length != numel()) throw new IllegalArgumentException("tensor " + shape + " holds " + numel() + " elements, got " + data.length);
        MemorySegment seg = buffer.hostSegment();
        if (isContiguous() && dtype == DType.FLOAT32) {
            MemorySegment.copy(data, 0, seg, F32, offset * 4, data.length);
            return;
        }
        int[] dims = shape.toArray();
        long[] idx = new long[dims.length];
        for (float v : data) {
            long e = offset;
            for (int k = 0; k < dims.length; k++) e += idx[k] * strides[k];
            store(seg, e, v);
            for (int k = dims.length - 1; k >= 0 && ++idx[k] == dims[k]; k--) idx[k] = 0;
        }
    }

    public int[] toIntArray() {
        requireDType(DType.INT32);
        if (!isContiguous()) throw new IllegalStateException("toIntArray needs a contiguous tensor, got " + describe());
        int[] out = new int[Math.toIntExact(numel())];
        MemorySegment.copy(buffer.hostSegment(), I32, offset * 4, out, 0, out.length);
        return out;
    }

    // ---- checks -----------------------------------------------------------------------------------------------

    /** Throws unless this tensor holds float32, bfloat16 or float16 values. */
    public Tensor requireFloatingPoint() {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException("expected a float32, bfloat16 or float16 tensor, got " + describe());
        return this;
    }

    public Tensor requireDType(DType expected) {
        if (dtype != expected) throw new IllegalArgumentException("expected a " + expected + " tensor, got " + describe());
        return this;
    }

    public Tensor requireShape(Shape expected, String what) {
        if (!shape.equals(expected)) throw new IllegalArgumentException(what + ": expected shape " + expected + ", got " + shape);
        return this;
    }

    public Tensor requireDevice(Device expected, String what) {
        if (!device().equals(expected)) throw new IllegalArgumentException(what + ": tensor is on " + device() + " but this backend runs on " + expected);
        return this;
    }

    /**
     * "float32[2, 3, 4] on cpu", "bfloat16[8, 64, 56, 56] nhwc on cuda:0", with " (strides [...])" added when the
     * tensor is not densely packed in its format — for error messages.
     */
    public String describe() {
        MemoryFormat format = memoryFormat();
        boolean dense = format == MemoryFormat.NHWC ? format.isLayoutOf(this) : isContiguous();
        return dtype.label() + shape + (format == MemoryFormat.NHWC ? " nhwc" : "") + " on " + device()
                + (dense ? "" : " (strides " + Arrays.toString(strides) + ")");
    }

    @Override
    public String toString() {
        return "Tensor " + describe();
    }

    /** Frees the buffer if this tensor owns it; closing a view does nothing. */
    @Override
    public void close() {
        if (owner) buffer.close();
    }
}
