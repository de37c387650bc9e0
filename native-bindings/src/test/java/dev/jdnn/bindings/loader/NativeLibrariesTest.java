package dev.jdnn.bindings.loader;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.LibraryVersions;
import dev.jdnn.bindings.Out;
import dev.jdnn.bindings.CStrings;

import dev.jdnn.bindings.cublas.cublas_h;
import dev.jdnn.bindings.cuda.cuda_h;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.bindings.nvrtc.nvrtc_h;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Loads the real libraries where they are installed (pip wheels here); none of these calls needs a GPU. */
class NativeLibrariesTest {

    private static void assumeLibrary(Library library) {
        assumeTrue(NativeLibraries.isAvailable(library), library.displayName() + " is not installed here; skipping");
    }

    @Test
    void cudnnVersionMatchesTheHeaderItWasGeneratedFrom() {
        assumeLibrary(Library.CUDNN);
        long version = cudnn_h.cudnnGetVersion();
        assertEquals(cudnn_h.CUDNN_MAJOR(), version / 10000, "cuDNN major version loaded vs header");
        assertTrue(version >= 90000, "cuDNN 9 or newer, got " + version);
    }

    @Test
    void cublasPropertiesReadWithoutAHandle() {
        assumeLibrary(Library.CUBLAS);
        int major = Out.intValue(p -> Check.cublas(cublas_h.cublasGetProperty(cublas_h.MAJOR_VERSION(), p), "cublasGetProperty"));
        assertEquals(cublas_h.CUBLAS_VER_MAJOR(), major);
        assertEquals("CUBLAS_STATUS_NOT_INITIALIZED", CStrings.read(cublas_h.cublasGetStatusName(cublas_h.CUBLAS_STATUS_NOT_INITIALIZED())));
    }

    @Test
    void cudaRuntimeVersionWorksWithoutAGpu() {
        assumeLibrary(Library.CUDART);
        int version = Out.intValue(p -> Check.cudart(cudart_h.cudaRuntimeGetVersion(p), "cudaRuntimeGetVersion"));
        assertEquals(cudart_h.CUDART_VERSION() / 1000, version / 1000, "runtime major version vs header");
    }

    @Test
    void nvrtcVersionIsReported() {
        assumeLibrary(Library.NVRTC);
        String version = LibraryVersions.of(Library.NVRTC);
        assertTrue(version.matches("1[2-9]\\.\\d+"), version);
    }

    /** Every function the argfiles bind is exported by the installed library (catches macro-renamed symbols). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Library.class, names = {"CUDART", "CUDNN", "CUBLAS", "NVRTC", "CUDA_DRIVER"})
    void everyBoundFunctionResolvesInTheInstalledLibrary(Library library) throws Exception {
        assumeLibrary(library);
        Class<?> header = Class.forName("dev.jdnn.bindings." + switch (library) {
            case CUDART -> "cudart.cudart_h";
            case CUDA_DRIVER -> "cuda.cuda_h";
            case CUDNN -> "cudnn.cudnn_h";
            case CUBLAS -> "cublas.cublas_h";
            case NVRTC -> "nvrtc.nvrtc_h";
        });
        int resolved = 0;
        java.util.List<String> missing = new java.util.ArrayList<>();
        for (var method : header.getDeclaredMethods()) {
            if (!method.getName().endsWith("$address")) continue;
            try {
                MemorySegment address = (MemorySegment) method.invoke(null);
                assertNotEquals(MemorySegment.NULL, address, method.getName());
                resolved++;
            } catch (java.lang.reflect.InvocationTargetException e) {
                missing.add(method.getName().replace("$address", "") + ": " + e.getCause());
            }
        }
        assertEquals(java.util.List.of(), missing, "functions the installed " + library.displayName() + " does not export");
        assertTrue(resolved > 5, "only " + resolved + " functions bound for " + library);
    }

    @Test
    void reportHasOneLinePerLibrary() {
        var report = dev.jdnn.bindings.LibraryStatus.report();
        assertEquals(Library.values().length, report.size());
        for (dev.jdnn.bindings.LibraryStatus s : report) {
            assertTrue(s.available() || s.toString().contains("not found"), s.toString());
            if (s.available()) assertTrue(s.version().isPresent(), s.toString());
        }
    }

    @Test
    void missingDriverFailsOnFirstAndLaterCallsWithTheSearchReport() {
        assumeTrue(NativeLibraries.find(Library.CUDA_DRIVER).isEmpty(), "libcuda.so.1 is present here; the missing-library path cannot be shown");
        for (int attempt = 0; attempt < 2; attempt++) {
            NativeLibraryException e = assertThrows(NativeLibraryException.class, () -> cuda_h.cuInit(0));
            assertEquals(Library.CUDA_DRIVER, e.library());
            assertTrue(e.getMessage().contains("libcuda.so.1") && e.getMessage().contains("Searched, in order:"), e.getMessage());
        }
        // Constants never need the library.
        assertEquals(0, cuda_h.CUDA_SUCCESS());
    }

    @Test
    void nvrtcCompilesAKernelToPtxForAmpereAndHopper() {
        assumeLibrary(Library.NVRTC);
        String source = "extern \"C\" __global__ void scale(float* x, float a, int n) {\n"
                + "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n  if (i < n) x[i] *= a;\n}\n";
        for (String arch : new String[]{"compute_80", "compute_90"}) {
            String ptx = NvrtcTestSupport.compileToPtx(source, "--gpu-architecture=" + arch);
            assertTrue(ptx.contains(".entry scale"), "PTX should define the kernel entry: " + ptx.lines().limit(20).toList());
            assertTrue(ptx.contains(".target sm_" + arch.substring("compute_".length())), "PTX target for " + arch);
        }
    }

    @Test
    void nvrtcCompileErrorCarriesTheLog() {
        assumeLibrary(Library.NVRTC);
        CudaException e = assertThrows(CudaException.class,
                () -> NvrtcTestSupport.compileToPtx("extern \"C\" __global__ void broken() { undeclared_thing = 1; }", "--gpu-architecture=compute_80"));
        assertEquals("nvrtcCompileProgram", e.function());
        assertEquals(nvrtc_h.NVRTC_ERROR_COMPILATION(), e.status());
        assertTrue(e.getMessage().contains("NVRTC_ERROR_COMPILATION"), e.getMessage());
        assertTrue(e.getMessage().contains("undeclared_thing"), "log names the bad identifier: " + e.getMessage());
    }

    /** Minimal NVRTC driver for the tests (the real kernel compiler lives in the CUDA backend). */
    static final class NvrtcTestSupport {
        static String compileToPtx(String source, String... options) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment progOut = arena.allocate(ValueLayout.ADDRESS);
                Check.nvrtc(nvrtc_h.nvrtcCreateProgram(progOut, arena.allocateFrom(source), arena.allocateFrom("test.cu"), 0,
                        MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram");
                MemorySegment program = progOut.get(ValueLayout.ADDRESS, 0);
                try {
                    MemorySegment opts = arena.allocate(ValueLayout.ADDRESS, options.length);
                    for (int i = 0; i < options.length; i++) opts.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(options[i]));
                    Check.nvrtcCompile(nvrtc_h.nvrtcCompileProgram(program, options.length, opts), program);
                    MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
                    Check.nvrtc(nvrtc_h.nvrtcGetPTXSize(program, size), "nvrtcGetPTXSize");
                    MemorySegment ptx = arena.allocate(size.get(ValueLayout.JAVA_LONG, 0));
                    Check.nvrtc(nvrtc_h.nvrtcGetPTX(program, ptx), "nvrtcGetPTX");
                    return ptx.getString(0);
                } finally {
                    Check.nvrtc(nvrtc_h.nvrtcDestroyProgram(progOut), "nvrtcDestroyProgram");
                }
            }
        }
    }
}
