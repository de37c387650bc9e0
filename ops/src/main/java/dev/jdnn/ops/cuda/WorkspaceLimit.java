package dev.jdnn.ops.cuda;

import java.util.Locale;

/**
 * How much workspace one convolution algorithm or fused-graph engine may use, decided when its plan is made.
 * {@link #spare} does what PyTorch's benchmark mode does — any algorithm the device has memory for — leaving room for
 * what is allocated later: the limit is the memory free now (plus the shared workspace the backend already holds,
 * which it would reallocate) minus {@code keepFree} bytes and {@code keepFreeFraction} of the device, at most
 * {@code cap}. {@link #fixed} is the old fixed limit, whatever the device holds.
 *
 * <p>Its {@link #key()} names the policy, not the number it gave on one occasion: a stored algorithm choice is keyed by
 * the policy and is taken again only if its workspace fits the limit of the moment (CudaConv2d revalidates it).
 *
 * @param capBytes         never more than this
 * @param keepFreeBytes    with {@code spare}: device memory to leave free at least
 * @param keepFreeFraction with {@code spare}: fraction of the device's memory to leave free at least (the larger of the two counts)
 * @param spare            whether the limit follows the free memory ({@code false}: {@code capBytes}, fixed)
 */
public record WorkspaceLimit(long capBytes, long keepFreeBytes, double keepFreeFraction, boolean spare) {
    public WorkspaceLimit {
        if (capBytes < 0 || keepFreeBytes < 0) throw new IllegalArgumentException("workspace limit: negative bytes (cap " + capBytes + ", keep free " + keepFreeBytes + ")");
        if (!(keepFreeFraction >= 0 && keepFreeFraction < 1)) throw new IllegalArgumentException("workspace limit: keepFreeFraction must be in [0, 1), got " + keepFreeFraction);
    }

    /** Always {@code bytes}: the policy before the workspace scaled (PyTorch's limit is the memory, not a constant). */
    public static WorkspaceLimit fixed(long bytes) {
        return new WorkspaceLimit(bytes, 0, 0, false);
    }

    /** What the device can spare, keeping max(keepFreeBytes, keepFreeFraction of the device) free, at most capBytes. */
    public static WorkspaceLimit spare(long capBytes, long keepFreeBytes, double keepFreeFraction) {
        return new WorkspaceLimit(capBytes, keepFreeBytes, keepFreeFraction, true);
    }

    /**
     * The default: what the device can spare, keeping 1 GiB or 5 % of it (whichever is more) free for what comes after
     * the plans, capped at 8 GiB (more than any cuDNN algorithm of the zoo's models at batch 256 asks for).
     */
    public static WorkspaceLimit defaults() {
        return spare(8L << 30, 1L << 30, 0.05);
    }

    /**
     * The limit now: {@code freeBytes} and {@code totalBytes} as cudaMemGetInfo reports them, {@code heldBytes} the
     * shared workspace the backend holds already and would free before allocating a larger one
     * ({@link SharedWorkspace#freeableBytes()}: not a buffer a recording pins).
     */
    public long limit(long freeBytes, long totalBytes, long heldBytes) {
        if (!spare) return capBytes;
        long keep = Math.max(keepFreeBytes, (long) (keepFreeFraction * totalBytes));
        long spareBytes = freeBytes + heldBytes - keep;
        return Math.max(0, Math.min(capBytes, spareBytes));
    }

    /** The policy in a word, for the algorithm and engine stores' keys: {@code fixed:268435456}, {@code spare:8589934592:1073741824:0.05}. */
    public String key() {
        return spare ? String.format(Locale.ROOT, "spare:%d:%d:%s", capBytes, keepFreeBytes, keepFreeFraction) : "fixed:" + capBytes;
    }
}
