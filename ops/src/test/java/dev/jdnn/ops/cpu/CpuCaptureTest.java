package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The CPU backend runs ops eagerly: it records nothing for replay and says so. */
class CpuCaptureTest {
    @Test
    void captureIsUnsupportedAndDoesNotRunTheWork() {
        try (CpuBackend backend = new CpuBackend(); Tensor t = backend.zeros(Shape.of(3))) {
            assertFalse(backend.supportsCapture());
            assertNull(backend.capture(() -> backend.fill(t, 1f)), "no recording where capture is unsupported");
            assertArrayEquals(new float[]{0, 0, 0}, backend.download(t), "capture must not run the work when it returns null");
        }
    }
}
