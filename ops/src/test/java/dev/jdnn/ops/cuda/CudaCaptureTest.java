package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.DropoutPlan;
import dev.jdnn.ops.Recording;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Backend#capture} on CUDA: a recording replays its work with the arguments it was captured with, host work
 * inside a capture fails it and leaves the backend usable, int32 tensors copy (labels are copied into a recorded
 * step's buffer), and dropout draws a new mask on each replay.
 */
@Tag("gpu")
class CudaCaptureTest {
    private static CudaBackend cuda;

    @BeforeAll
    static void start() {
        cuda = GpuTests.backendOrNull(true);
    }

    @BeforeEach
    void requireGpu() {
        GpuTests.assumeGpu();
    }

    @AfterAll
    static void stop() {
        if (cuda != null) cuda.close();
    }

    @Test
    void aRecordingReplaysItsWorkWithTheCapturedArguments() {
        Backend b = cuda;
        assertTrue(b.supportsCapture());
        try (Tensor x = b.allocate(Shape.of(2, 300)); Tensor y = b.allocate(Shape.of(2, 300))) {
            b.fill(x, 1f);
            b.fill(y, 0f);
            float[] alpha = {2f};
            try (Recording r = b.capture(() -> b.addScaled(alpha[0], x, 1f, y))) {
                for (float v : b.download(y)) assertEquals(0f, v, "capture must not run the work");
                alpha[0] = 5f; // frozen at capture: the replays still add 2x
                r.replay();
                b.fill(x, 3f); // a replay reads the buffers' current contents
                r.replay();
                for (float v : b.download(y)) assertEquals(2f * 1f + 2f * 3f, v);
                r.close();
                assertThrows(IllegalStateException.class, r::replay);
            }
        }
    }

    @Test
    void hostWorkInsideACaptureFailsItAndLeavesTheBackendUsable() {
        try (Tensor t = cuda.allocate(Shape.of(256))) {
            assertThrows(RuntimeException.class, () -> cuda.capture(() -> {
                cuda.fill(t, 1f);
                cuda.synchronize();
            }));
            assertThrows(RuntimeException.class, () -> cuda.capture(() -> cuda.download(t)));
            cuda.fill(t, 4f);
            cuda.scale(t, 0.5f);
            for (float v : cuda.download(t)) assertEquals(2f, v, "the stream works eagerly after failed captures");
            try (Recording r = cuda.capture(() -> cuda.scale(t, 3f))) {
                r.replay();
            }
            for (float v : cuda.download(t)) assertEquals(6f, v, "and captures again");
        }
    }

    /**
     * Dropout's call counter lives in device memory and a kernel in the recorded forward advances it, so each replay
     * of a recorded dropout draws a new mask — the same sequence of masks as eager calls on an equally seeded plan —
     * and a seek between replays moves the recorded stream too.
     */
    @Test
    void replayedDropoutDrawsNewMasksLikeEagerCalls() {
        Shape shape = Shape.of(4, 8, 16, 16);
        try (DropoutPlan eager = cuda.dropout(shape, 0.5f, 42); DropoutPlan recorded = cuda.dropout(shape, 0.5f, 42);
             Tensor x = cuda.allocate(shape); Tensor y = cuda.allocate(shape);
             Tensor reserve = cuda.allocate(Shape.of(Math.toIntExact(eager.reserveBytes())), DType.UINT8)) {
            cuda.fill(x, 1f);
            float[][] eagerMasks = new float[2][];
            for (int i = 0; i < 2; i++) {
                eager.forward(x, y, reserve);
                eagerMasks[i] = cuda.download(y);
            }
            assertFalse(Arrays.equals(eagerMasks[0], eagerMasks[1]), "eager calls draw new masks");
            try (Recording r = cuda.capture(() -> recorded.forward(x, y, reserve))) {
                for (int i = 0; i < 2; i++) {
                    r.replay();
                    assertArrayEquals(eagerMasks[i], cuda.download(y), "replay " + i + " draws eager call " + i + "'s mask");
                }
                assertEquals(2, recorded.position(), "the replays advanced the device counter");
                recorded.seek(0);
                r.replay();
                assertArrayEquals(eagerMasks[0], cuda.download(y), "after seek(0) the replay draws call 0's mask again");
            }
        }
    }

    @Test
    void int32TensorsCopyContiguousAndStrided() {
        try (Tensor a = cuda.allocate(Shape.of(6), DType.INT32); Tensor b = cuda.allocate(Shape.of(6), DType.INT32);
             Tensor c = cuda.allocate(Shape.of(3), DType.INT32)) {
            cuda.uploadInts(new int[]{3, -1, 4, Integer.MAX_VALUE, 5, 0x7fc00001}, a); // the last one is a float NaN pattern
            cuda.copy(a, b);
            cuda.copy(a.step(0, 2), c);
            assertArrayEquals(new int[]{3, -1, 4, Integer.MAX_VALUE, 5, 0x7fc00001}, downloadInts(b));
            assertArrayEquals(new int[]{3, 4, 5}, downloadInts(c), "a strided int32 copy moves the bits unchanged");
        }
    }

    /** The backend downloads float32 only; the test reads int32 tensors back with a plain cudaMemcpy. */
    private static int[] downloadInts(Tensor t) {
        cuda.synchronize();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(ValueLayout.JAVA_INT, t.numel());
            Check.cudart(cudart_h.cudaMemcpy(host, MemorySegment.ofAddress(t.address()), t.numel() * 4, cudart_h.cudaMemcpyDeviceToHost()), "cudaMemcpy D2H");
            return host.toArray(ValueLayout.JAVA_INT);
        }
    }
}
