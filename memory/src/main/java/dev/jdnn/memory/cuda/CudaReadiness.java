package dev.jdnn.memory.cuda;

import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.loader.NativeLibraries;
import dev.jdnn.bindings.loader.NativeLibraryException;

import java.util.List;

/**
 * Whether the CUDA backend can run here, and if not, the first reason why. This is the rule behind
 * {@code --backend auto}: CUDA when a device is visible and cuDNN, cuBLAS and NVRTC all load; otherwise the CPU.
 */
public record CudaReadiness(boolean ready, String reason) {
    /** The libraries the CUDA backend calls, besides the runtime. */
    public static final List<Library> REQUIRED_LIBRARIES = List.of(Library.CUDART, Library.CUDNN, Library.CUBLAS, Library.NVRTC);

    public static CudaReadiness check() {
        for (Library library : REQUIRED_LIBRARIES) {
            try {
                NativeLibraries.require(library);
            } catch (NativeLibraryException e) {
                return new CudaReadiness(false, library.displayName() + " is not available (" + library.requirement() + "); see `jdnn info` for where it was looked for");
            }
        }
        CudaRuntime.Availability a = CudaRuntime.availability();
        if (!a.available()) return new CudaReadiness(false, "no usable CUDA device: " + a.reason());
        return new CudaReadiness(true, a.deviceCount() + " CUDA device(s) and cuDNN, cuBLAS, NVRTC all load");
    }
}
