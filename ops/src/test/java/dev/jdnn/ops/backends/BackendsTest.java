package dev.jdnn.ops.backends;

import dev.jdnn.ops.Backend;

import dev.jdnn.memory.HostAllocator;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.ops.cuda.CudaBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BackendsTest {
    @Test
    void namesAreParsed() {
        for (String ok : new String[]{"auto", "cpu", "CPU", "cuda", "cuda:0", "cuda:7", " cuda:1 "}) Backends.validate(ok);
        for (String bad : new String[]{"gpu", "cuda:", "cuda:x", "cuda:-1", "cuda0", "cuda:99999999999"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Backends.validate(bad), bad);
            assertTrue(e.getMessage().contains(Backends.DEVICES), e.getMessage());
        }
    }

    @Test
    void cpuAndAutoOpenWhereCudaCannotRun() {
        try (Backend b = Backends.open("cpu")) {
            assertInstanceOf(CpuBackend.class, b);
            assertSame(HostAllocator.global(), Backends.batchBufferAllocator(b));
        }
        try (Backend b = Backends.open("auto")) {
            assertEquals(CudaBackend.unavailableReason() == null ? "cuda" : "cpu", b.device().isCuda() ? "cuda" : "cpu");
        }
    }

    @Test
    void cudaWithoutAUsableGpuSaysWhy() {
        String why = CudaBackend.unavailableReason();
        assumeTrue(why != null, "CUDA is usable here; opening it is covered by the CUDA backend's gpu tests");
        var e = assertThrows(IllegalStateException.class, () -> Backends.open("cuda:1"));
        assertTrue(e.getMessage().contains("device cuda:1") && e.getMessage().contains(why), e.getMessage());
    }
}
