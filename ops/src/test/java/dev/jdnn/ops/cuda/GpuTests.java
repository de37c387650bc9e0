package dev.jdnn.ops.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared set-up of the {@code @Tag("gpu")} suites: a backend on device 0, or a visible skip with the reason. */
final class GpuTests {
    private GpuTests() {}

    static CudaBackend backendOrSkip(boolean strictFp32) {
        assumeGpu();
        return CudaBackend.create(0, CudaBackend.Options.defaults().withStrictFp32(strictFp32));
    }

    /** For @BeforeAll: a backend, or null where there is none (each test then skips via {@link #assumeGpu()}). */
    static CudaBackend backendOrNull(boolean strictFp32) {
        return CudaBackend.isAvailable() ? CudaBackend.create(0, CudaBackend.Options.defaults().withStrictFp32(strictFp32)) : null;
    }

    /** Skips the current test, with the reason, when no CUDA device is usable (reported per test, so it is seen). */
    static void assumeGpu() {
        assumeTrue(CudaBackend.isAvailable(), () -> "CUDA backend unavailable: " + CudaBackend.unavailableReason());
    }
}
