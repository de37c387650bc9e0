package dev.jdnn.cli;

import dev.jdnn.memory.Allocator;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;

import java.util.List;
import java.util.Locale;

/**
 * Picks the compute backend for --device. The CUDA backend and the pinned-memory allocator are found by reflection
 * (dev.jdnn.ops.cuda.CudaBackend, dev.jdnn.memory.cuda.PinnedHostAllocator) so this module builds and runs where
 * they are absent; "auto" means CUDA when that class is present and reports a usable device, else the CPU.
 */
final class Backends {
    static final List<String> DEVICES = List.of("auto", "cpu", "cuda");
    private static final String CUDA_BACKEND = "dev.jdnn.ops.cuda.CudaBackend";
    private static final String PINNED_ALLOCATOR = "dev.jdnn.memory.cuda.PinnedHostAllocator";

    private Backends() {}

    /** {@code deterministic}: the CUDA backend's deterministic mode (the CPU backend always is). */
    static Backend open(String device, boolean deterministic) {
        String d = device.toLowerCase(Locale.ROOT);
        return switch (d) {
            case "cpu" -> new CpuBackend();
            case "cuda" -> {
                String why = cudaUnavailableReason();
                if (why != null) throw new CliFailure("--device cuda: the CUDA backend cannot run here: " + why + " (use --device cpu)");
                yield createCuda(deterministic);
            }
            case "auto" -> cudaUnavailableReason() == null ? createCuda(deterministic) : new CpuBackend();
            default -> throw new IllegalArgumentException("unknown device '" + device + "'; valid: " + DEVICES);
        };
    }

    /** Null when CUDA is usable, else the reason. */
    static String cudaUnavailableReason() {
        try {
            Class<?> c = Class.forName(CUDA_BACKEND);
            Object reason = c.getMethod("unavailableReason").invoke(null);
            return reason == null ? null : reason.toString();
        } catch (ClassNotFoundException e) {
            return "this build has no CUDA backend (" + CUDA_BACKEND + ")";
        } catch (ReflectiveOperationException | LinkageError e) {
            return "probing CUDA failed: " + e;
        }
    }

    private static Backend createCuda(boolean deterministic) {
        try {
            Class<?> backend = Class.forName(CUDA_BACKEND), options = Class.forName(CUDA_BACKEND + "$Options");
            Object o = options.getMethod("withDeterministic", boolean.class).invoke(options.getMethod("defaults").invoke(null), deterministic);
            return (Backend) backend.getMethod("create", int.class, options).invoke(null, 0, o);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new CliFailure("cannot start the CUDA backend: " + e.getCause().getMessage());
        } catch (ReflectiveOperationException e) {
            throw new CliFailure("cannot start the CUDA backend: " + e);
        }
    }

    /** Batch buffers: pinned host memory for a CUDA backend (when available), plain host memory otherwise. */
    static Allocator batchBufferAllocator(Backend backend) {
        if (!backend.device().isCuda()) return HostAllocator.global();
        try {
            return (Allocator) Class.forName(PINNED_ALLOCATOR).getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return HostAllocator.global();
        }
    }
}
