package dev.jdnn.memory.cuda;

import dev.jdnn.memory.Device;

/** A device allocation failed for lack of memory; the message says how much was asked for, in use and free. */
public final class CudaOutOfMemoryException extends RuntimeException {
    private final long requestedBytes;

    public CudaOutOfMemoryException(Device device, long requestedBytes, long liveBytes, long freeBytes, long totalBytes, Throwable cause) {
        super(message(device, requestedBytes, liveBytes, freeBytes, totalBytes), cause);
        this.requestedBytes = requestedBytes;
    }

    static String message(Device device, long requestedBytes, long liveBytes, long freeBytes, long totalBytes) {
        return ("out of memory on %s: requested %,d bytes; %,d bytes live in jdnn buffers; %,d of %,d bytes free on the device "
                + "(reduce the batch size or the model)").formatted(device, requestedBytes, liveBytes, freeBytes, totalBytes);
    }

    public long requestedBytes() {
        return requestedBytes;
    }
}
