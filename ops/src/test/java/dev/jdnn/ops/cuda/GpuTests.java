package dev.jdnn.ops.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared set-up of the {@code @Tag("gpu")} suites: a backend on device 0, or a visible skip with the reason. */
final class GpuTests {
    private GpuTests() {}

    static CudaBackend backendOrSkip(boolean strictFp32) {
        assumeGpu();
        return CudaBackend.create(0, CudaBackend.Options.defaults().withStrictFp32(strictFp32));
    }

    /**
     * Contract tolerances are stated for kernels that reduce in double; cuDNN and the NVRTC block reductions reduce
     * in float (and cuDNN may reorder), so the CUDA suites allow ten times the stated error.
     */
    static final double CONTRACT_TOLERANCE_SCALE = 10;

    /**
     * With bf16/fp16 operands, one unit roundoff more than the CPU's semantics allow: cuDNN's legacy API rounds where
     * the CPU does not (a convolution's y before its float32 bias is added, the raw weight gradient before its float32
     * accumulation; see CudaConv2d), and its half-precision kernels may round an intermediate of their own.
     */
    static final double CONTRACT_EXTRA_ROUNDINGS = 1;

    private static CudaBackend shared;

    /**
     * One strict-FP32 backend shared by the {@code Cuda*ContractTest} suites (the contracts never close their backend;
     * process exit releases it). Skips the calling test when no device is usable.
     */
    static synchronized CudaBackend sharedStrict() {
        assumeGpu();
        if (shared == null) shared = CudaBackend.create(0, CudaBackend.Options.defaults().withStrictFp32(true));
        return shared;
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
