package dev.jdnn.ops.backends;

import dev.jdnn.ops.Backend;

import dev.jdnn.memory.Allocator;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.cuda.PinnedHostAllocator;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.ops.cuda.CudaBackend;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens a backend by device name: {@code "cpu"}, {@code "cuda"} (device 0), {@code "cuda:N"}, or {@code "auto"} —
 * CUDA device 0 when the CUDA backend can run here ({@link CudaBackend#unavailableReason()}), else the CPU.
 */
public final class Backends {
    /** The accepted forms, for messages. */
    public static final String DEVICES = "auto, cpu, cuda, cuda:N";
    private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d+))?");

    private Backends() {}

    /** A new backend for {@code device}; the caller closes it. */
    public static Backend open(String device) {
        return open(device, false);
    }

    /**
     * A new backend for {@code device}, a CUDA one in deterministic mode when {@code deterministic}
     * ({@link CudaBackend.Options#deterministic()}; the CPU backend always is); the caller closes it.
     */
    public static Backend open(String device, boolean deterministic) {
        return open(device, deterministic, false);
    }

    /**
     * As {@link #open(String, boolean)}; with {@code strictFp32} a CUDA backend uses no TF32 tensor cores
     * ({@link CudaBackend.Options#strictFp32()}: what a compile for strict float32 needs). The CPU backend has no TF32.
     */
    public static Backend open(String device, boolean deterministic, boolean strictFp32) {
        String d = normalise(device);
        if (d.equals("cpu")) return new CpuBackend();
        CudaBackend.Options options = CudaBackend.Options.defaults().withDeterministic(deterministic).withStrictFp32(strictFp32);
        if (d.equals("auto")) return CudaBackend.unavailableReason() == null ? CudaBackend.create(0, options) : new CpuBackend();
        int ordinal = cudaOrdinal(d);
        String why = CudaBackend.unavailableReason();
        if (why != null) throw new IllegalStateException("device " + d + ": the CUDA backend cannot run here: " + why);
        return CudaBackend.create(ordinal, options);
    }

    /** Checks the spelling of a device name without opening anything (so a typo fails before any work). */
    public static void validate(String device) {
        String d = normalise(device);
        if (!d.equals("cpu") && !d.equals("auto")) cudaOrdinal(d);
    }

    /** Where a data loader's batch buffers come from: pinned host memory for a CUDA backend, plain host memory otherwise. */
    public static Allocator batchBufferAllocator(Backend backend) {
        return backend.device().isCuda() ? new PinnedHostAllocator() : HostAllocator.global();
    }

    private static String normalise(String device) {
        if (device == null) throw new IllegalArgumentException("device is null; valid: " + DEVICES);
        return device.strip().toLowerCase(Locale.ROOT);
    }

    private static int cudaOrdinal(String d) {
        Matcher m = CUDA.matcher(d);
        if (!m.matches()) throw new IllegalArgumentException("unknown device '" + d + "'; valid: " + DEVICES);
        try {
            return m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device number too large in '" + d + "'; valid: " + DEVICES);
        }
    }
}
