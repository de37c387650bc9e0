package dev.jdnn.memory.cuda;

import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.loader.NativeLibraries;
import dev.jdnn.memory.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Behaviour that holds with or without a GPU. */
class CudaRuntimeTest {

    @Test
    void withoutAGpuTheDeviceCountIsZeroWithAReason() {
        assumeFalse(CudaRuntime.isAvailable(), "a GPU is present; the no-GPU path cannot be shown");
        CudaRuntime.Availability a = CudaRuntime.availability();
        assertEquals(0, CudaRuntime.deviceCount());
        assertFalse(a.reason().isBlank());
        assertTrue(CudaRuntime.devices().isEmpty());
    }

    @Test
    void askingForAMissingDeviceSaysWhy() {
        int missing = CudaRuntime.deviceCount(); // one past the last device
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaDevice.describe(missing));
        assertTrue(e.getMessage().startsWith("CUDA device " + missing + " does not exist: "), e.getMessage());
        if (!CudaRuntime.isAvailable()) assertTrue(e.getMessage().contains(CudaRuntime.availability().reason()), e.getMessage());
    }

    @Test
    void runtimeVersionIsReadableWithoutAGpu() {
        assumeTrue(NativeLibraries.isAvailable(Library.CUDART), "CUDA runtime not installed here");
        assertTrue(CudaRuntime.runtimeVersion().matches("1[2-9]\\.\\d"), CudaRuntime.runtimeVersion());
    }

    @Test
    void outOfMemoryMessageNamesRequestedLiveAndFreeBytes() {
        String m = CudaOutOfMemoryException.message(Device.cuda(0), 3_000_000_000L, 1_000_000L, 2_000L, 80_000_000_000L);
        assertEquals("out of memory on cuda:0: requested 3,000,000,000 bytes; 1,000,000 bytes live in jdnn buffers; "
                + "2,000 of 80,000,000,000 bytes free on the device (reduce the batch size or the model)", m);
    }
}
