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
    void optionsRejectAMissingOrNegativeWorkspaceLimit() {
        assertThrows(NullPointerException.class, () -> new CudaBackend.Options(false, true, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> WorkspaceLimit.fixed(-1));
        assertEquals(WorkspaceLimit.defaults(), CudaBackend.Options.defaults().workspaceLimit());
        assertEquals(WorkspaceLimit.fixed(1 << 20), CudaBackend.Options.defaults().withWorkspaceLimit(WorkspaceLimit.fixed(1 << 20)).workspaceLimit());
        assertTrue(CudaBackend.Options.defaults().withStrictFp32(true).strictFp32());
    }
}
