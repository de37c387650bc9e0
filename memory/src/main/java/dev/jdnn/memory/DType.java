package dev.jdnn.memory;

/** Element types a tensor can hold. Only FLOAT32 is computed on today; the others are representable (storage, I/O). */
public enum DType {
    FLOAT32(4), FLOAT16(2), BFLOAT16(2), INT32(4), UINT8(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }
}
