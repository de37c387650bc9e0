package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Allocator;
import dev.jdnn.memory.Buffer;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryStats;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.BatchNormSpec;
import org.junit.jupiter.api.Test;

import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Tensors from another device are refused with the device named, before any memory is touched. */
class CpuDeviceCheckTest {
    /** Hands out unreadable "GPU" buffers: enough to build tensors that claim to live on cuda:0. */
    private static final class FakeGpuAllocator implements Allocator {
        @Override public Device device() { return Device.cuda(0); }
        @Override public Buffer allocate(long bytes) { return new Buffer(this, 0x1000, bytes, null, null); }
        @Override public void release(Buffer buffer) {}
        @Override public MemoryStats stats() { return new MemoryStats(device(), 0, 0, 0, 0); }
    }

    @Test
    void gpuTensorsAreRejectedWithTheDeviceNamed() {
        Backend cpu = new CpuBackend();
        try (Tensor gpu = Tensor.allocate(new FakeGpuAllocator(), NCHW, DType.FLOAT32); Tensor host = cpu.allocate(NCHW)) {
            var e = assertThrows(IllegalArgumentException.class, () -> cpu.addScaled(1f, gpu, 0f, host));
            assertEquals("addScaled x: tensor is on cuda:0 but this backend runs on cpu", e.getMessage());
            var bn = cpu.batchNorm(new BatchNormSpec(NCHW, 1e-5, 0.1));
            e = assertThrows(IllegalArgumentException.class, () -> bn.forwardInference(host, null, null, gpu, null, null));
            assertEquals("batchNorm y: tensor is on cuda:0 but this backend runs on cpu", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> cpu.copy(gpu, host));
            assertEquals("copy src: tensor is on cuda:0 but this backend runs on cpu", e.getMessage());
        }
    }
}
