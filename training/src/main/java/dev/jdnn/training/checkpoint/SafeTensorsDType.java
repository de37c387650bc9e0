package dev.jdnn.training.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The dtype names of the safetensors header and their element sizes; the float ones can be read as float32. */
public enum SafeTensorsDType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int byteSize;

    SafeTensorsDType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    public static SafeTensorsDType parse(String name) {
        for (SafeTensorsDType d : values()) if (d.name().equals(name)) return d;
        throw new IllegalArgumentException("unknown safetensors dtype '" + name + "'");
    }

    /** Element {@code i} of little-endian {@code data} as a float (float types only; integers are converted too). */
    float readAsFloat(ByteBuffer data, int i) {
        ByteBuffer d = data.order(ByteOrder.LITTLE_ENDIAN);
        return switch (this) {
            case F32 -> d.getFloat(i * 4);
            case F64 -> (float) d.getDouble(i * 8);
            case F16 -> Float.float16ToFloat(d.getShort(i * 2));
            case BF16 -> Float.intBitsToFloat((d.getShort(i * 2) & 0xFFFF) << 16);
            case I64 -> d.getLong(i * 8);
            case I32 -> d.getInt(i * 4);
            case I16 -> d.getShort(i * 2);
            case I8 -> d.get(i);
            case U8, BOOL -> d.get(i) & 0xFF;
        };
    }
}
