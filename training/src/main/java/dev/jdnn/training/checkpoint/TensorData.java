package dev.jdnn.training.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * One named tensor to be written into a safetensors file: its dtype, shape and a writer producing exactly
 * numel·elementSize little-endian bytes (so large tensors can stream without an extra copy of the whole file).
 */
public record TensorData(String name, SafeTensorsDType dtype, long[] shape, Payload payload) {
    @FunctionalInterface
    public interface Payload {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    public TensorData {
        if (name == null || name.isEmpty() || name.equals(SafeTensorsFile.METADATA_KEY)) throw new IllegalArgumentException("bad tensor name '" + name + "'");
        shape = shape.clone();
        for (long d : shape) if (d < 0) throw new IllegalArgumentException("tensor '" + name + "' has negative dimension in " + Arrays.toString(shape));
    }

    public long numel() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    public long byteSize() {
        return numel() * dtype.byteSize();
    }

    /** A float32 tensor with the given values (row-major). */
    public static TensorData f32(String name, long[] shape, float[] values) {
        TensorData t = new TensorData(name, SafeTensorsDType.F32, shape, out -> {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            writeFully(out, b);
        });
        if (t.numel() != values.length) throw new IllegalArgumentException("tensor '" + name + "' of shape " + Arrays.toString(shape) + " needs " + t.numel() + " values, got " + values.length);
        return t;
    }

    public static TensorData f32(String name, int[] shape, float[] values) {
        return f32(name, Arrays.stream(shape).asLongStream().toArray(), values);
    }

    static void writeFully(WritableByteChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) out.write(b);
    }
}
