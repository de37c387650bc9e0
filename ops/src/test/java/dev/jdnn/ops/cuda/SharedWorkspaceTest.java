package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The workspace policy and the one shared workspace, without a GPU: the limit from fake free/total memory numbers, and
 * the sharing, growth, settling and pinning with host buffers standing in for device ones.
 */
class SharedWorkspaceTest {
    private static final long MIB = 1 << 20, GIB = 1L << 30;

    @Test
    void theLimitIsWhatTheDeviceCanSpareCapped() {
        WorkspaceLimit policy = WorkspaceLimit.spare(8 * GIB, GIB, 0.05);
        long total = 140 * GIB;
        // keeps max(1 GiB, 5 % of 140 GiB = 7 GiB) free
        assertEquals(8 * GIB, policy.limit(100 * GIB, total, 0), "plenty free: the cap");
        assertEquals(3 * GIB, policy.limit(10 * GIB, total, 0), "10 GiB free, 7 GiB kept: 3 GiB");
        assertEquals(5 * GIB, policy.limit(10 * GIB, total, 2 * GIB), "the 2 GiB it already holds count as spare (it is reallocated)");
        assertEquals(0, policy.limit(6 * GIB, total, 0), "less free than kept: no workspace, never negative");
        assertEquals(3 * GIB, WorkspaceLimit.spare(8 * GIB, 2 * GIB, 0).limit(5 * GIB, 16 * GIB, 0), "the byte floor alone");
        WorkspaceLimit fixed = WorkspaceLimit.fixed(256 * MIB);
        assertEquals(256 * MIB, fixed.limit(0, 0, 0), "a fixed limit ignores the memory numbers");
        assertEquals(256 * MIB, fixed.limit(100 * GIB, total, GIB));
    }

    @Test
    void theStoreKeyNamesThePolicyNotTheBytesOfTheMoment() {
        WorkspaceLimit d = WorkspaceLimit.defaults();
        assertEquals("spare:8589934592:1073741824:0.05", d.key());
        assertEquals("fixed:268435456", WorkspaceLimit.fixed(256 * MIB).key());
        assertNotEquals(d.key(), WorkspaceLimit.spare(4 * GIB, GIB, 0.05).key(), "another cap is another policy");
        assertTrue(d.key().matches("\\S+"), "one word: the stores' line format needs it");
        assertThrows(IllegalArgumentException.class, () -> WorkspaceLimit.spare(GIB, GIB, 1.0));
        assertThrows(IllegalArgumentException.class, () -> WorkspaceLimit.spare(-1, 0, 0));
    }

    /** Host byte tensors standing in for device buffers, with a log of what was allocated and whether it was freed. */
    private final List<Tensor> allocated = new ArrayList<>();

    private SharedWorkspace workspace() {
        return new SharedWorkspace(bytes -> {
            Tensor t = Tensor.allocate(HostAllocator.global(), Shape.of(Math.toIntExact(bytes)), DType.UINT8);
            allocated.add(t);
            return t;
        });
    }

    @Test
    void plansShareOneBufferSizedToTheLargestNeed() {
        Object conv1 = new Object(), conv2 = new Object(), conv3 = new Object();
        try (SharedWorkspace ws = workspace()) {
            assertEquals(0, ws.bytes());
            assertEquals(0, ws.address(0, "a plan needing none"), "no workspace, no address");
            ws.require(conv1, 4 * MIB);
            long first = ws.address(4 * MIB, "conv1");
            ws.require(conv2, 2 * MIB);
            assertEquals(4 * MIB, ws.bytes(), "a smaller need reuses the buffer");
            assertEquals(first, ws.address(2 * MIB, "conv2"), "the same memory for every plan");
            ws.require(conv3, 16 * MIB);
            assertEquals(16 * MIB, ws.bytes(), "grown to the largest need at plan time");
            assertEquals(2, allocated.size());
            assertTrue(allocated.getFirst().isClosed(), "the outgrown buffer is freed (no recording holds it)");
            assertEquals(16 * MIB, ws.heldBytes());
            var e = assertThrows(IllegalStateException.class, () -> ws.address(17 * MIB, "conv2d something"));
            assertTrue(e.getMessage().contains("conv2d something needs 17825792 bytes") && e.getMessage().contains("holds 16777216"), e.getMessage());
        }
        assertTrue(allocated.getLast().isClosed(), "close frees the buffer");
    }

    @Test
    void aSearchMayGrowItForAWhileThenItSettlesToWhatPlansKeep() {
        Object conv = new Object();
        try (SharedWorkspace ws = workspace()) {
            ws.require(conv, 3 * MIB);
            ws.grow(64 * MIB); // cudnnFind* times algorithms in up to the limit
            assertEquals(64 * MIB, ws.bytes());
            ws.settle(); // the chosen algorithm needs 3 MiB
            assertEquals(3 * MIB, ws.bytes(), "shrunk back to the largest need of a live plan");
            ws.release(conv);
            assertEquals(3 * MIB, ws.bytes(), "a closed plan's need goes at the next settle, not during a step");
            ws.settle();
            assertEquals(0, ws.bytes());
            assertEquals(0, ws.largestNeed());
        }
    }

    @Test
    void aFailedGrowthLeavesTheLivePlansTheirWorkspace() {
        Object conv = new Object();
        List<Long> asked = new ArrayList<>();
        try (SharedWorkspace ws = new SharedWorkspace(bytes -> {
            asked.add(bytes);
            if (bytes > 8 * MIB) throw new IllegalStateException("out of memory: " + bytes);
            Tensor t = Tensor.allocate(HostAllocator.global(), Shape.of(Math.toIntExact(bytes)), DType.UINT8);
            allocated.add(t);
            return t;
        })) {
            ws.require(conv, 4 * MIB);
            var e = assertThrows(IllegalStateException.class, () -> ws.grow(64 * MIB), "a search asking for more than the device holds");
            assertEquals("out of memory: " + 64 * MIB, e.getMessage(), "the allocation's own failure is what the caller sees");
            assertEquals(List.of(4 * MIB, 64 * MIB, 4 * MIB), asked, "the old size is allocated again after the failure");
            assertEquals(4 * MIB, ws.bytes());
            assertEquals(allocated.getLast().address(), ws.address(4 * MIB, "conv"), "the live plan still has its 4 MiB");
            assertFalse(allocated.getLast().isClosed());
        }
    }

    @Test
    void aCaptureCannotResizeIt() {
        Object conv = new Object(), madeDuringCapture = new Object();
        try (SharedWorkspace ws = workspace()) {
            ws.require(conv, MIB);
            long before = ws.address(MIB, "conv");
            ws.capturing(true);
            var e = assertThrows(IllegalStateException.class, () -> ws.require(madeDuringCapture, 2 * MIB));
            assertTrue(e.getMessage().contains("during a CUDA graph capture"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> ws.grow(4 * MIB), "nor a search");
            assertEquals(before, ws.address(MIB, "conv"), "the recorded address is the one a replay uses");
            assertEquals(1, allocated.size(), "nothing allocated or freed inside the capture");
            ws.require(conv, MIB); // a need it already covers moves nothing, captured or not
            ws.capturing(false);
            ws.require(madeDuringCapture, 2 * MIB);
            assertEquals(2 * MIB, ws.bytes(), "after the capture it grows again");
        }
    }

    @Test
    void onlyABufferNoRecordingPinsCountsAsSpare() {
        Object conv = new Object();
        WorkspaceLimit policy = WorkspaceLimit.spare(8 * GIB, GIB, 0);
        try (SharedWorkspace ws = workspace()) {
            assertEquals(0, ws.freeableBytes());
            ws.require(conv, 3 * MIB);
            assertEquals(3 * MIB, ws.freeableBytes(), "a resize frees it first: spare");
            Runnable unpin = ws.pin();
            assertEquals(0, ws.freeableBytes(), "a recording keeps it alive through a resize: not spare");
            assertEquals(GIB, policy.limit(2 * GIB, 16 * GIB, ws.freeableBytes()), "so the limit is the free memory's alone");
            unpin.run();
            assertEquals(3 * MIB, ws.freeableBytes());
        }
    }

    @Test
    void aBufferARecordingHoldsOutlivesItsReplacement() {
        Object conv = new Object(), bigger = new Object();
        try (SharedWorkspace ws = workspace()) {
            ws.require(conv, MIB);
            Runnable unpin = ws.pin(); // a CUDA graph recorded with this buffer's address
            Tensor recorded = allocated.getLast();
            ws.require(bigger, 8 * MIB); // a later model's plan grows the workspace
            assertFalse(recorded.isClosed(), "a replay would still use the recorded address");
            assertEquals(9 * MIB, ws.heldBytes(), "memoryStats counts both while the recording lives");
            Runnable second = ws.pin();
            unpin.run();
            assertTrue(recorded.isClosed(), "freed once the last recording that held it is closed");
            unpin.run(); // closing a recording twice changes nothing
            assertEquals(8 * MIB, ws.heldBytes());
            second.run();
            assertFalse(allocated.getLast().isClosed(), "the current buffer stays");
        }
        assertTrue(allocated.stream().allMatch(Tensor::isClosed));
    }
}
