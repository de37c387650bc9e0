package dev.jdnn.memory.cuda;

import dev.jdnn.memory.Buffer;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.HostAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Needs an NVIDIA GPU (runs from the GPU bundle, ci/gpu-check.sh). */
@Tag("gpu")
class CudaMemoryGpuTest {
    private static final long BYTES = 64L << 20;

    @BeforeEach
    void requireGpu() {
        assumeTrue(CudaRuntime.isAvailable(), "no CUDA device: " + CudaRuntime.availability().reason());
    }

    @Test
    void deviceDescriptionIsPlausible() {
        CudaDevice d = CudaRuntime.devices().getFirst();
        assertFalse(d.name().isBlank());
        assertTrue(d.computeMajor() >= 5, d.toString());
        assertTrue(d.multiprocessors() > 0, d.toString());
        CudaDevice.MemoryInfo info = d.memoryInfo();
        assertTrue(info.freeBytes() > 0 && info.freeBytes() <= info.totalBytes(), info.toString());
        assertEquals(Device.cuda(0), d.device());
    }

    @Test
    void roundTrip64MiBThroughTheDeviceWithPinnedAndPageableHostMemory() {
        PinnedHostAllocator pinned = new PinnedHostAllocator();
        try (CudaStream stream = CudaStream.create()) {
            CudaDeviceAllocator device = new CudaDeviceAllocator(0, stream);
            long liveBefore = device.stats().liveBytes();
            try (Buffer src = pinned.allocate(BYTES); Buffer back = pinned.allocate(BYTES);
                 Buffer pageableBack = HostAllocator.global().allocate(BYTES); Buffer onGpu = device.allocate(BYTES)) {
                MemorySegment s = src.hostSegment();
                for (long i = 0; i < BYTES / 4; i++) s.setAtIndex(ValueLayout.JAVA_INT, i, (int) (i * 2654435761L));
                assertEquals(liveBefore + BYTES, device.stats().liveBytes());

                CudaCopies.hostToDeviceAsync(s, onGpu, 0, stream);
                CudaCopies.deviceToHostAsync(onGpu, 0, back.hostSegment(), stream);
                CudaCopies.deviceToHostAsync(onGpu, 0, pageableBack.hostSegment(), stream);
                stream.synchronize();

                assertEquals(-1L, s.mismatch(back.hostSegment()), "pinned round trip differs");
                assertEquals(-1L, s.mismatch(pageableBack.hostSegment()), "pageable round trip differs");
            }
            stream.synchronize();
            assertEquals(liveBefore, device.stats().liveBytes(), "live bytes return to where they started");
            assertTrue(device.stats().peakBytes() >= liveBefore + BYTES, device.stats().toString());
            assertEquals(0, pinned.stats().liveBytes());
        }
    }

    @Test
    void memsetAndEventsWork() {
        try (CudaStream stream = CudaStream.create(); CudaEvent start = CudaEvent.create(); CudaEvent end = CudaEvent.create()) {
            CudaDeviceAllocator device = new CudaDeviceAllocator(0, stream);
            try (Buffer onGpu = device.allocate(4096); Buffer host = HostAllocator.global().allocate(4096)) {
                start.record(stream);
                CudaCopies.memsetAsync(onGpu, 0, 0x7f, 4096, stream);
                CudaCopies.deviceToHostAsync(onGpu, 0, host.hostSegment(), stream);
                end.record(stream);
                float ms = CudaEvent.elapsedMillis(start, end);
                assertTrue(ms >= 0f, "elapsed " + ms);
                for (long i = 0; i < 4096; i++) assertEquals((byte) 0x7f, host.hostSegment().get(ValueLayout.JAVA_BYTE, i));
            }
        }
    }

    @Test
    void impossibleAllocationThrowsOutOfMemoryWithNumbers() {
        try (CudaStream stream = CudaStream.create()) {
            CudaDeviceAllocator device = new CudaDeviceAllocator(0, stream);
            long tooMuch = CudaRuntime.devices().getFirst().totalBytes() * 4;
            CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> device.allocate(tooMuch));
            assertEquals(tooMuch, e.requestedBytes());
            assertTrue(e.getMessage().contains("requested %,d bytes".formatted(tooMuch)), e.getMessage());
            try (Buffer ok = device.allocate(1024)) { // the failure must not poison later calls
                assertEquals(1024, ok.byteSize());
            }
        }
    }
}
