package dev.jdnn.memory.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.LibraryVersions;
import dev.jdnn.bindings.Out;
import dev.jdnn.bindings.loader.NativeLibraries;
import dev.jdnn.bindings.loader.NativeLibraryException;
import dev.jdnn.bindings.cudart.cudart_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Process-wide CUDA runtime questions: is there a usable GPU, how many, which versions. Every query degrades to
 * "no GPU" with a reason instead of throwing when the runtime library or the driver is missing.
 */
public final class CudaRuntime {
    /** How many devices the runtime sees, or 0 and why. */
    public record Availability(int deviceCount, String reason) {
        public boolean available() {
            return deviceCount > 0;
        }
    }

    private static volatile Availability availability;

    private CudaRuntime() {
    }

    /** Number of CUDA devices; 0 when there is no runtime library, no driver or no GPU. */
    public static int deviceCount() {
        return availability().deviceCount();
    }

    public static boolean isAvailable() {
        return availability().available();
    }

    /** The device count and, when it is 0, a sentence saying why (for skip messages and {@code jdnn info}). */
    public static Availability availability() {
        Availability a = availability;
        if (a == null) {
            a = probe();
            availability = a;
        }
        return a;
    }

    private static Availability probe() {
        try {
            NativeLibraries.require(Library.CUDART);
        } catch (NativeLibraryException e) {
            return new Availability(0, "the CUDA runtime library is not installed: " + e.getMessage());
        }
        int status;
        int count;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
            status = cudart_h.cudaGetDeviceCount(out);
            count = out.get(ValueLayout.JAVA_INT, 0);
        }
        if (status != 0) {
            // cudaErrorNoDevice / cudaErrorInsufficientDriver here mean "no usable GPU", not a bug.
            if (NativeLibraries.find(Library.CUDA_DRIVER).isEmpty()) {
                return new Availability(0, "no NVIDIA driver is installed (libcuda.so.1 not found; cudaGetDeviceCount returned status "
                        + status + ", " + Check.describeCudart(status) + ")");
            }
            return new Availability(0, "cudaGetDeviceCount returned status " + status + " (" + Check.describeCudart(status) + ")");
        }
        return count == 0 ? new Availability(0, "the CUDA runtime reports no devices") : new Availability(count, count + " device(s)");
    }

    /** Every device, described. Empty when {@link #deviceCount()} is 0. */
    public static List<CudaDevice> devices() {
        List<CudaDevice> out = new ArrayList<>();
        for (int i = 0; i < deviceCount(); i++) out.add(CudaDevice.describe(i));
        return out;
    }

    /** Makes a device current for the calling thread (CUDA's current device is per thread). */
    public static void setDevice(int ordinal) {
        requireDevice(ordinal);
        Check.cudart(cudart_h.cudaSetDevice(ordinal), "cudaSetDevice");
    }

    /** Throws a clear exception when the ordinal does not name an existing device. */
    public static void requireDevice(int ordinal) {
        Availability a = availability();
        if (ordinal < 0 || ordinal >= a.deviceCount()) {
            throw new IllegalStateException("CUDA device " + ordinal + " does not exist: "
                    + (a.available() ? "there are " + a.deviceCount() + " device(s)" : a.reason()));
        }
    }

    public static void synchronize() {
        Check.cudart(cudart_h.cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    }

    /** The runtime's version, e.g. "13.0" (works without a GPU). */
    public static String runtimeVersion() {
        return LibraryVersions.cudaVersion(Out.intValue(p -> Check.cudart(cudart_h.cudaRuntimeGetVersion(p), "cudaRuntimeGetVersion")));
    }

    /** The newest CUDA version the installed driver supports, e.g. "13.0"; "none" without a driver. */
    public static String driverVersion() {
        int v = Out.intValue(p -> Check.cudart(cudart_h.cudaDriverGetVersion(p), "cudaDriverGetVersion"));
        return v == 0 ? "none" : LibraryVersions.cudaVersion(v);
    }
}
