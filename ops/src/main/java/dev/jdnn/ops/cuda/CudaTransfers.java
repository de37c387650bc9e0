package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.memory.Buffer;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.cuda.PinnedHostAllocator;
import dev.jdnn.memory.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Host↔device copies through one grow-only pinned staging buffer (pinned memory makes cudaMemcpyAsync truly
 * asynchronous and fast). Uploads return once the copy is queued; the staging buffer is reused only after the
 * event recorded behind the previous copy has completed. Downloads synchronise.
 */
final class CudaTransfers implements AutoCloseable {
    private final CudaContext ctx;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment event;
    private final PinnedHostAllocator pinnedAllocator = new PinnedHostAllocator();
    private Buffer pinnedBuffer;
    private MemorySegment pinned = MemorySegment.NULL;
    private long pinnedBytes;
    private boolean copyPending;

    CudaTransfers(CudaContext ctx) {
        this.ctx = ctx;
        MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
        Check.cudart(cudart_h.cudaEventCreateWithFlags(out, cudart_h.cudaEventDisableTiming()), "cudaEventCreateWithFlags");
        this.event = out.get(ValueLayout.ADDRESS, 0);
    }

    /** The staging buffer, at least {@code bytes} long, once no queued copy reads it any more. */
    private MemorySegment staging(long bytes) {
        if (copyPending) {
            Check.cudart(cudart_h.cudaEventSynchronize(event), "cudaEventSynchronize (staging buffer reuse; last op issued: " + ctx.lastOp.get() + ")");
            copyPending = false;
        }
        if (bytes > pinnedBytes) {
            if (pinnedBuffer != null) pinnedBuffer.close();
            long size = Math.max(bytes, Math.max(1 << 20, pinnedBytes * 2));
            pinnedBuffer = pinnedAllocator.allocate(size);
            pinned = pinnedBuffer.hostSegment();
            pinnedBytes = size;
        }
        return pinned;
    }

    void upload(float[] src, Tensor dst) {
        dst.requireDType(DType.FLOAT32);
        checkCount(src.length, dst);
        MemorySegment s = staging(4L * src.length);
        MemorySegment.copy(src, 0, s, ValueLayout.JAVA_FLOAT, 0, src.length);
        toDevice(dst, 4L * src.length);
    }

    void uploadInts(int[] src, Tensor dst) {
        dst.requireDType(DType.INT32);
        checkCount(src.length, dst);
        MemorySegment s = staging(4L * src.length);
        MemorySegment.copy(src, 0, s, ValueLayout.JAVA_INT, 0, src.length);
        toDevice(dst, 4L * src.length);
    }

    private void checkCount(int length, Tensor dst) {
        dst.requireDevice(ctx.device, "upload destination");
        if (length != dst.numel()) throw new IllegalArgumentException("upload of " + length + " values into " + dst.describe() + " (" + dst.numel() + " elements)");
    }

    private void toDevice(Tensor dst, long bytes) {
        try {
            if (dst.isContiguous()) {
                copyAsync(Cudnn.ptr(dst), pinned, bytes, cudart_h.cudaMemcpyHostToDevice(), "cudaMemcpyAsync H2D");
            } else {
                try (Tensor tmp = ctx.allocate(dst.shape(), dst.dtype())) {
                    copyAsync(Cudnn.ptr(tmp), pinned, bytes, cudart_h.cudaMemcpyHostToDevice(), "cudaMemcpyAsync H2D");
                    CudaPointwise.stridedCopy(ctx, tmp, dst); // freeing tmp is stream-ordered: after this copy
                }
            }
        } finally {
            // Also when a later step threw: a queued H2D may still be reading the staging buffer.
            markStagingBusy();
        }
    }

    /** The next reuse of the staging buffer waits for everything queued so far (or, without an event, we wait now). */
    private void markStagingBusy() {
        int status = cudart_h.cudaEventRecord(event, ctx.stream);
        if (status == 0) {
            copyPending = true;
            return;
        }
        cudart_h.cudaStreamSynchronize(ctx.stream);
        Check.cudart(status, "cudaEventRecord");
    }

    /**
     * A contiguous host tensor (heap or pinned memory) into a same-shaped, same-dtype device tensor. Returns once the
     * copy is queued: the source was staged, so the caller may overwrite it at once.
     */
    void upload(Tensor hostSrc, Tensor dst) {
        long bytes = hostSide(hostSrc, dst, "copy source");
        dst.requireDevice(ctx.device, "copy destination");
        MemorySegment.copy(hostSrc.hostSegment(), 0, staging(bytes), 0, bytes);
        toDevice(dst, bytes);
    }

    void download(Tensor src, float[] dst) {
        src.requireDType(DType.FLOAT32);
        if (dst.length != src.numel()) throw new IllegalArgumentException("download of " + src.describe() + " into an array of " + dst.length);
        MemorySegment s = fromDevice(src, 4L * dst.length);
        MemorySegment.copy(s, ValueLayout.JAVA_FLOAT, 0, dst, 0, dst.length);
    }

    /** A device tensor into a same-shaped, same-dtype contiguous host tensor (heap or pinned memory); synchronises. */
    void download(Tensor src, Tensor hostDst) {
        long bytes = hostSide(hostDst, src, "copy destination");
        MemorySegment.copy(fromDevice(src, bytes), 0, hostDst.hostSegment(), 0, bytes);
    }

    /** Checks the host operand of a tensor-to-tensor transfer; returns the bytes to move. */
    static long hostSide(Tensor host, Tensor device, String what) {
        if (host.dtype() != device.dtype() || !host.shape().equals(device.shape())) {
            throw new IllegalArgumentException("copy between " + host.describe() + " and " + device.describe() + ": shapes or dtypes differ");
        }
        if (!host.isContiguous()) throw new IllegalArgumentException(what + ": a host tensor in a copy must be contiguous, got " + host.describe());
        return host.numel() * host.dtype().byteSize();
    }

    /** Device tensor (any strides) → the staging buffer, completed (synchronises). */
    private MemorySegment fromDevice(Tensor src, long bytes) {
        src.requireDevice(ctx.device, "download source");
        MemorySegment s = staging(bytes);
        if (src.isContiguous()) {
            copyAsync(s, Cudnn.ptr(src), bytes, cudart_h.cudaMemcpyDeviceToHost(), "cudaMemcpyAsync D2H");
        } else {
            try (Tensor tmp = ctx.allocate(src.shape(), src.dtype())) {
                CudaPointwise.stridedCopy(ctx, src, tmp);
                copyAsync(s, Cudnn.ptr(tmp), bytes, cudart_h.cudaMemcpyDeviceToHost(), "cudaMemcpyAsync D2H");
            }
        }
        ctx.synchronize();
        return s;
    }

    /** Device-to-device copy of a contiguous tensor. */
    void deviceCopy(Tensor src, Tensor dst) {
        copyAsync(Cudnn.ptr(dst), Cudnn.ptr(src), src.numel() * src.dtype().byteSize(), cudart_h.cudaMemcpyDeviceToDevice(), "cudaMemcpyAsync D2D");
    }

    private void copyAsync(MemorySegment dst, MemorySegment src, long bytes, int kind, String op) {
        ctx.cudart(op, cudart_h.cudaMemcpyAsync(dst, src, bytes, kind, ctx.stream));
    }

    @Override
    public void close() {
        if (copyPending) cudart_h.cudaEventSynchronize(event);
        if (pinnedBuffer != null) pinnedBuffer.close();
        pinnedBuffer = null;
        pinnedBytes = 0;
        cudart_h.cudaEventDestroy(event);
        arena.close();
    }
}
