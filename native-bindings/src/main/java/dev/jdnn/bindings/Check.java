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
import java.util.function.Supplier;

/**
 * Status checks for every native call: {@code Check.cudnn(cudnn_h.cudnnCreate(p), "cudnnCreate")}.
 * Success (status 0 in every library) costs one comparison; failure throws {@link CudaException} with the
 * library's own name and description of the status.
 */
public final class Check {
    private Check() {
    }

    /** CUDA runtime (cudaError_t). */
    public static void cudart(int status, String function) {
        if (status != 0) throw new CudaException(Library.CUDART, function, status, describeCudart(status));
    }

    /** CUDA driver (CUresult). */
    public static void driver(int status, String function) {
        if (status != 0) throw new CudaException(Library.CUDA_DRIVER, function, status, describeDriver(status));
    }

    /** cuDNN (cudnnStatus_t). */
    public static void cudnn(int status, String function) {
        if (status != 0) throw new CudaException(Library.CUDNN, function, status, describeCudnn(status));
    }

    /** cuBLAS (cublasStatus_t). */
    public static void cublas(int status, String function) {
        if (status != 0) throw new CudaException(Library.CUBLAS, function, status, describeCublas(status));
    }

    /** NVRTC (nvrtcResult). */
    public static void nvrtc(int status, String function) {
        if (status != 0) throw new CudaException(Library.NVRTC, function, status, describeNvrtc(status));
    }

    /** nvrtcCompileProgram: on failure the message carries the compiler's log, which says what was wrong. */
    public static void nvrtcCompile(int status, MemorySegment program) {
        if (status != 0) {
            String log = describe(() -> nvrtcProgramLog(program));
            throw new CudaException(Library.NVRTC, "nvrtcCompileProgram", status, describeNvrtc(status) + "; compiler log:\n" + log);
        }
    }

    public static String describeCudart(int status) {
        return describe(() -> CStrings.read(cudart_h.cudaGetErrorName(status)) + ": " + CStrings.read(cudart_h.cudaGetErrorString(status)));
    }

    public static String describeDriver(int status) {
        return describe(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment name = arena.allocate(ValueLayout.ADDRESS);
                MemorySegment text = arena.allocate(ValueLayout.ADDRESS);
                int r1 = cuda_h.cuGetErrorName(status, name);
                int r2 = cuda_h.cuGetErrorString(status, text);
                if (r1 != 0 || r2 != 0) return "unknown CUresult";
                return CStrings.read(name.get(ValueLayout.ADDRESS, 0)) + ": " + CStrings.read(text.get(ValueLayout.ADDRESS, 0));
            }
        });
    }

    public static String describeCudnn(int status) {
        return describe(() -> {
            String text = CStrings.read(cudnn_h.cudnnGetErrorString(status));
            try (Arena arena = Arena.ofConfined()) {
                // cuDNN 9 keeps a more specific message about the last failure of this thread.
                MemorySegment last = arena.allocate(1024);
                cudnn_h.cudnnGetLastErrorString(last, last.byteSize());
                String detail = last.getString(0);
                return detail.isBlank() ? text : text + ": " + detail;
            }
        });
    }

    public static String describeCublas(int status) {
        return describe(() -> CStrings.read(cublas_h.cublasGetStatusName(status)) + ": " + CStrings.read(cublas_h.cublasGetStatusString(status)));
    }

    public static String describeNvrtc(int status) {
        return describe(() -> CStrings.read(nvrtc_h.nvrtcGetErrorString(status)));
    }

    /** The compiler log of an NVRTC program (warnings and errors). */
    public static String nvrtcProgramLog(MemorySegment program) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            nvrtc(nvrtc_h.nvrtcGetProgramLogSize(program, size), "nvrtcGetProgramLogSize");
            MemorySegment log = arena.allocate(Math.max(1, size.get(ValueLayout.JAVA_LONG, 0)));
            nvrtc(nvrtc_h.nvrtcGetProgramLog(program, log), "nvrtcGetProgramLog");
            return log.getString(0);
        }
    }

    /** A description lookup must never hide the original failure: its own failure becomes part of the text. */
    private static String describe(Supplier<String> lookup) {
        try {
            return lookup.get();
        } catch (RuntimeException | LinkageError e) {
            return "no description available: " + e.getMessage();
        }
    }
}
