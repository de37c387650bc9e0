package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The one workspace every convolution and fused graph of a backend shares. Its size is settled when plans are made —
 * never during a step or a capture — to the largest need of the live plans: a plan states its need with
 * {@link #require} (and drops it on close with {@link #release}), and a convolution search may {@link #grow} it for the
 * duration of one search (cudnnFind* times the algorithms in it), after which {@link #settle} shrinks it back. So the
 * device holds one workspace, the size of the largest algorithm actually chosen, instead of one per plan.
 *
 * <p>A resize frees the old buffer — unless a recorded CUDA graph holds its address ({@link #pin}): then the old
 * buffer stays alive until the last such recording is closed, so a replay never touches freed memory. A resize whose
 * allocation fails puts back a buffer of the old size (the freed memory is back in the pool) before the failure is
 * thrown, so the live plans keep their workspace. While a capture is in progress ({@link #capturing}) it is never
 * resized: the capture would record the allocation and the free instead of doing them.
 * Not thread-safe: used from the backend's one thread. Needs no GPU (the allocation is a function).
 */
final class SharedWorkspace implements AutoCloseable {
    private final LongFunction<Tensor> allocate; // bytes -> a buffer of at least that many bytes
    private final Map<Object, Long> needs = new IdentityHashMap<>();
    private final Map<Tensor, Integer> pins = new HashMap<>();
    private final List<Tensor> retired = new ArrayList<>();
    private Tensor buffer; // null while 0 bytes
    private long bytes;
    private boolean capturing;

    SharedWorkspace(LongFunction<Tensor> allocate) {
        this.allocate = allocate;
    }

    /** The current size in bytes. */
    long bytes() {
        return bytes;
    }

    /**
     * The bytes a resize would give back before allocating the new buffer: the current buffer's, unless a recording
     * pins it (then it is kept, and a larger workspace needs memory on top of it). What the spare-memory limit may
     * count as available besides the device's free memory.
     */
    long freeableBytes() {
        return buffer == null || pins.containsKey(buffer) ? 0 : bytes;
    }

    /** Bytes held, the current buffer and any retired one a recording still pins: what memoryStats reports. */
    long heldBytes() {
        long held = bytes;
        for (Tensor t : retired) held += t.buffer().byteSize();
        return held;
    }

    /** The largest need of the live plans. */
    long largestNeed() {
        long max = 0;
        for (long n : needs.values()) max = Math.max(max, n);
        return max;
    }

    /** Records what {@code owner} (a plan) needs and grows the workspace to it. */
    void require(Object owner, long need) {
        if (need < 0) throw new IllegalArgumentException("negative workspace need " + need);
        needs.put(owner, need);
        grow(need);
    }

    /** Forgets {@code owner}'s need (its plan closed); the size is settled at the next plan. */
    void release(Object owner) {
        needs.remove(owner);
    }

    /** Makes the workspace at least {@code atLeast} bytes (a search may ask for more than any plan keeps). */
    void grow(long atLeast) {
        if (atLeast > bytes) resize(atLeast);
    }

    /** Back to the largest need of the live plans, after a search grew it further. */
    void settle() {
        long need = largestNeed();
        if (need != bytes) resize(need);
    }

    private void resize(long newBytes) {
        if (capturing) {
            throw new IllegalStateException("the shared workspace cannot be resized from " + bytes + " to " + newBytes
                    + " bytes during a CUDA graph capture (a plan was made inside Backend.capture): make plans before capturing");
        }
        Tensor old = buffer;
        long oldBytes = bytes;
        buffer = null;
        bytes = 0;
        if (old != null) {
            if (pins.containsKey(old)) retired.add(old); else old.close();
        }
        if (newBytes == 0) return;
        try {
            buffer = allocate.apply(newBytes);
            bytes = newBytes;
        } catch (RuntimeException | Error e) {
            if (oldBytes > 0) { // the live plans' addresses must keep working
                try {
                    buffer = allocate.apply(oldBytes);
                    bytes = oldBytes;
                } catch (RuntimeException | Error again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    /**
     * Marks a CUDA graph capture on the backend's stream as begun (true) or ended (false): meanwhile a resize throws
     * instead of recording an allocation into the graph.
     */
    void capturing(boolean on) {
        capturing = on;
    }

    /** The device address of the workspace for a call that needs {@code need} bytes (0 when it needs none). */
    long address(long need, String what) {
        if (need == 0) return 0;
        if (need > bytes) {
            throw new IllegalStateException(what + " needs " + need + " bytes of workspace but the backend's shared workspace holds "
                    + bytes + " (a plan's need is reserved when the plan is made; was it closed?)");
        }
        return buffer.address();
    }

    /**
     * Marks the current buffer as referenced by a recording; the returned action unmarks it (on the recording's close)
     * and frees the buffer if it has been replaced meanwhile.
     */
    Runnable pin() {
        Tensor pinned = buffer;
        if (pinned == null) return () -> {};
        pins.merge(pinned, 1, Integer::sum);
        boolean[] done = {false};
        return () -> {
            if (done[0]) return;
            done[0] = true;
            int left = pins.merge(pinned, -1, Integer::sum);
            if (left > 0) return;
            pins.remove(pinned);
            if (retired.remove(pinned)) pinned.close();
        };
    }

    @Override
    public void close() {
        if (buffer != null) buffer.close();
        buffer = null;
        bytes = 0;
        for (Tensor t : retired) t.close();
        retired.clear();
        pins.clear();
        needs.clear();
    }
}
