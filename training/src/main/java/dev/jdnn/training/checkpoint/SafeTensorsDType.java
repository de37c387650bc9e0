package dev.jdnn.training.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The dtype names of the safetensors header and their element sizes; the floating-point ones can be read as float32. */
public enum SafeTensorsDType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int byteSize;

    SafeTensorsDType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    /** F64, F32, F16 and BF16: the types {@link SafeTensorsFile#readFloats} reads. */
    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    public static SafeTensorsDType parse(String name) {
        for (SafeTensorsDType d : values()) if (d.name().equals(name)) return d;
        throw new IllegalArgumentException("unknown safetensors dtype '" + name + "'");
    }

    /** Element {@code i} of little-endian {@code data} as a float; floating-point types only. */
    float readAsFloat(ByteBuffer data, int i) {
        ByteBuffer d = data.order(ByteOrder.LITTLE_ENDIAN);
        return switch (this) {
            case F32 -> d.getFloat(i * 4);
            case F64 -> (float) d.getDouble(i * 8);
            case F16 -> Float.float16ToFloat(d.getShort(i * 2));
            case BF16 -> Float.intBitsToFloat((d.getShort(i * 2) & 0xFFFF) << 16);
            default -> throw new IllegalArgumentException(this + " is not a floating-point type");
        };
    }
}
