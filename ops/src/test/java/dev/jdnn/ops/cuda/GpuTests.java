package dev.jdnn.ops.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared set-up of the {@code @Tag("gpu")} suites: a backend on device 0, or a visible skip with the reason. */
final class GpuTests {
    private GpuTests() {}

    static CudaBackend backendOrSkip(boolean strictFp32) {
        assumeTrue(CudaBackend.isAvailable(), () -> "no usable CUDA device: " + CudaBackend.unavailableReason());
        return CudaBackend.create(0, CudaBackend.Options.defaults().withStrictFp32(strictFp32));
    }
}
