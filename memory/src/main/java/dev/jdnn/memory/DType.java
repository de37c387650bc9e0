package dev.jdnn.memory;

/**
 * Element types a tensor can hold. FLOAT32, BFLOAT16 and FLOAT16 are floating-point storage types the ops compute on
 * (always in float32 arithmetic; see {@link HalfFloats}); INT32 holds labels, UINT8 masks and raw bytes.
 */
public enum DType {
    FLOAT32(4), FLOAT16(2), BFLOAT16(2), INT32(4), UINT8(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    /** FLOAT32, BFLOAT16 or FLOAT16: a type the ops read and write as floating-point values. */
    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == BFLOAT16 || this == FLOAT16;
    }

    /** "float32", "bfloat16", ...: as messages and reports write it (the {@link MemoryFormat#label()} of element types). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
