package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.loader.NativeLibraries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every kernel source compiles with NVRTC for Ampere and Hopper; needs libnvrtc but no GPU. */
class KernelCompileTest {
    @BeforeAll
    static void requireNvrtc() {
        assumeTrue(NativeLibraries.isAvailable(Library.NVRTC), "libnvrtc not found (" + Library.NVRTC.requirement() + "): NVRTC compile tests skipped");
    }

    @ParameterizedTest
    @EnumSource(KernelFile.class)
    void compilesForCompute80And90(KernelFile file) {
        for (String arch : List.of("compute_80", "compute_90")) {
            String ptx = KernelCache.compileToPtx(file, arch);
            assertTrue(ptx.contains(".target sm_" + arch.substring("compute_".length())), file + " PTX for " + arch + " has no matching .target");
            for (String kernel : declaredKernels(file)) {
                assertTrue(ptx.contains(".entry " + kernel + "("), file + " PTX for " + arch + " lacks the entry " + kernel);
            }
        }
    }

    /** The storage conversions made it into the code: float16 through the PTX conversion instructions, round to nearest even. */
    @Test
    void halfPrecisionLoadsAndStoresCompileToConversions() {
        String ptx = KernelCache.compileToPtx(KernelFile.POINTWISE, "compute_90");
        assertTrue(ptx.contains("cvt.rn.f16.f32"), "float16 stores round to nearest even");
        assertTrue(ptx.contains("cvt.f32.f16"), "float16 loads widen exactly");
    }

    /**
     * The structs passed by value have the layout KernelLauncher packs: common.cuh's Ref and Walk as KernelOperands
     * writes them, pooling.cu's Geometry as an int[] of 11. The fields are the ones KernelOperands packs, in its order
     * (standard layout: declaration order and types fix the offsets), and NVRTC itself checks sizes and alignments
     * (static_assert), so a field added or reordered in a source fails here, not as garbage on a GPU.
     */
    @Test
    void structsPassedByValueHaveTheLayoutJavaPacks() {
        String common = KernelCache.source(KernelFile.POINTWISE), pooling = KernelCache.source(KernelFile.POOLING);
        assertTrue(common.contains("struct Ref { void* p; i64 n, c, s; int type; };"), "Ref's fields as KernelOperands.Ref.pack writes them");
        assertTrue(common.contains("struct Walk { i64 N, C, HW; int channelsLast; int dense; };"), "Walk's fields as KernelOperands.Walk.pack writes them");
        assertTrue(pooling.contains("struct Geometry { int channels, H, W, OH, OW, kH, kW, sH, sW, pH, pW; };"), "Geometry: CudaPooling.geometry's 11 ints");
        String asserts = """
                static_assert(sizeof(Ref) == %d && alignof(Ref) == 8, "Ref");
                static_assert(sizeof(Walk) == %d && alignof(Walk) == 8, "Walk");
                static_assert(sizeof(Geometry) == 11 * sizeof(int) && alignof(Geometry) == alignof(int), "Geometry");
                static_assert(sizeof(i64) == 8 && sizeof(void*) == 8 && sizeof(int) == 4, "argument widths");
                """.formatted(KernelOperands.Ref.BYTES, KernelOperands.Walk.BYTES);
        String source = pooling + "\n" + asserts;
        assertDoesNotThrow(() -> KernelCache.compile(source, "layout.cu", KernelCache.options("compute_90"), false));
        String wrong = source + "static_assert(sizeof(Ref) == 36, \"a deliberately wrong size\");\n";
        assertThrows(CudaException.class, () -> KernelCache.compile(wrong, "layout.cu", KernelCache.options("compute_90"), false),
                "the check can fail");
    }

    @ParameterizedTest
    @EnumSource(KernelFile.class)
    void compilesToAnSm90Cubin(KernelFile file) {
        // What KernelCache loads on an H100: real SASS, an ELF image.
        byte[] cubin = KernelCache.compile(KernelCache.source(file), file.fileName(), KernelCache.options("sm_90"), true);
        assertTrue(cubin.length > 4 && cubin[0] == 0x7f && cubin[1] == 'E' && cubin[2] == 'L' && cubin[3] == 'F', file + " cubin is not an ELF image");
    }

    @Test
    void everyKernelTheBackendLaunchesIsDeclared() {
        // The names the Java side launches must match extern "C" entries, or the first launch on a GPU would fail.
        for (KernelFile file : KernelFile.values()) {
            List<String> declared = declaredKernels(file);
            assertFalse(declared.isEmpty(), file + " declares no kernels");
        }
        for (Kernel k : Kernel.ALL) {
            assertTrue(declaredKernels(k.file()).contains(k.name()), "kernel " + k.name() + " is launched but not declared in " + k.file().fileName());
        }
    }

    @Test
    void compileErrorCarriesTheNvrtcLog() {
        String broken = "extern \"C\" __global__ void broken(float* x) { x[0] = undefined_identifier; }";
        CudaException e = assertThrows(CudaException.class,
                () -> KernelCache.compile(broken, "broken.cu", KernelCache.options("compute_90"), false));
        assertTrue(e.getMessage().contains("nvrtcCompileProgram"), e.getMessage());
        assertTrue(e.getMessage().contains("undefined_identifier"), "the NVRTC log should name the bad identifier: " + e.getMessage());
        assertTrue(e.getMessage().contains("broken.cu"), "the NVRTC log should name the file: " + e.getMessage());
    }

    @Test
    void cacheKeyDependsOnSourceAndOptions() {
        String a = KernelCache.cacheKey("x", KernelCache.options("sm_90"));
        assertEquals(a, KernelCache.cacheKey("x", KernelCache.options("sm_90")));
        assertNotEquals(a, KernelCache.cacheKey("y", KernelCache.options("sm_90")));
        assertNotEquals(a, KernelCache.cacheKey("x", KernelCache.options("sm_80")));
    }

    static List<String> declaredKernels(KernelFile file) {
        Matcher m = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(").matcher(KernelCache.source(file));
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) names.add(m.group(1));
        return names;
    }
}
