package dev.jdnn.ops.cuda;

import dev.jdnn.memory.cuda.CudaRuntime;
import dev.jdnn.memory.cuda.PinnedHostAllocator;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.backends.Backends;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** {@link Backends} on a GPU: cuda, cuda:N and auto open CUDA backends; a device number past the last fails naming it. */
@Tag("gpu")
class CudaBackendsTest {
    @Test
    void cudaNamesOpenTheirDevice() {
        GpuTests.assumeGpu();
        for (String name : new String[]{"cuda", "cuda:0", "auto"}) {
            try (Backend b = Backends.open(name)) {
                assertInstanceOf(CudaBackend.class, b, name);
                assertTrue(b.device().isCuda(), name);
                assertInstanceOf(PinnedHostAllocator.class, Backends.batchBufferAllocator(b), name);
            }
        }
        int count = CudaRuntime.deviceCount();
        try (Backend last = Backends.open("cuda:" + (count - 1))) {
            assertEquals(dev.jdnn.memory.Device.cuda(count - 1), last.device());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Backends.open("cuda:" + count));
        assertTrue(e.getMessage().contains("CUDA device " + count + " does not exist"), e.getMessage());
    }
}
