package dev.jdnn.bindings;

import dev.jdnn.bindings.loader.Library;

import dev.jdnn.bindings.cublas.cublas_h;
import dev.jdnn.bindings.cuda.cuda_h;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.bindings.nvrtc.nvrtc_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Reads each library's own idea of its version (none of these calls needs a GPU). */
public final class LibraryVersions {
    private LibraryVersions() {
    }

    public static String of(Library library) {
        return switch (library) {
            case CUDART -> cudaVersion(Out.intValue(p -> Check.cudart(cudart_h.cudaRuntimeGetVersion(p), "cudaRuntimeGetVersion")));
            case CUDA_DRIVER -> cudaVersion(Out.intValue(p -> Check.driver(cuda_h.cuDriverGetVersion(p), "cuDriverGetVersion")));
            case CUDNN -> cudnnVersion(cudnn_h.cudnnGetVersion());
            case CUBLAS -> cublasProperty(cublas_h.MAJOR_VERSION()) + "." + cublasProperty(cublas_h.MINOR_VERSION()) + "." + cublasProperty(cublas_h.PATCH_LEVEL());
            case NVRTC -> nvrtcVersion();
        };
    }

    /** CUDA encodes versions as 1000 * major + 10 * minor (13000 is 13.0). */
    public static String cudaVersion(int encoded) {
        return (encoded / 1000) + "." + (encoded % 1000) / 10;
    }

    /** cuDNN 9 encodes versions as 10000 * major + 100 * minor + patch (92400 is 9.24.0). */
    public static String cudnnVersion(long encoded) {
        return (encoded / 10000) + "." + (encoded % 10000) / 100 + "." + (encoded % 100);
    }

    private static int cublasProperty(int property) {
        return Out.intValue(p -> Check.cublas(cublas_h.cublasGetProperty(property, p), "cublasGetProperty"));
    }

    private static String nvrtcVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment minor = arena.allocate(ValueLayout.JAVA_INT);
            Check.nvrtc(nvrtc_h.nvrtcVersion(major, minor), "nvrtcVersion");
            return major.get(ValueLayout.JAVA_INT, 0) + "." + minor.get(ValueLayout.JAVA_INT, 0);
        }
    }
}
