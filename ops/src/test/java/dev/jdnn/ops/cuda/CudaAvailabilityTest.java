package dev.jdnn.ops.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** isAvailable() never throws and agrees with the reason; where CUDA is unusable, create() says why. */
class CudaAvailabilityTest {
    @Test
    void availabilityAgreesWithTheReasonAndCreateFailsClearlyWithoutCuda() {
        boolean available = CudaBackend.isAvailable();
        String reason = CudaBackend.unavailableReason();
        assertEquals(available, reason == null, "isAvailable() and unavailableReason() disagree: " + reason);
        if (available) return; // the GPU suite covers this machine
        assertFalse(reason.isBlank());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaBackend.create(0));
        assertTrue(e.getMessage().contains(reason), "create() should carry the reason '" + reason + "': " + e.getMessage());
    }

    @Test
    void optionsRejectANegativeWorkspaceLimit() {
        assertThrows(IllegalArgumentException.class, () -> new CudaBackend.Options(false, true, -1, null, null));
        assertTrue(CudaBackend.Options.defaults().withStrictFp32(true).strictFp32());
    }
}
