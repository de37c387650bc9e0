package dev.jdnn.ops.cuda;

import org.junit.jupiter.api.BeforeEach;

/**
 * What every {@code Cuda*ContractTest} adds to its backend-independent suite: each test skips, with the reason, before
 * the suite computes its float64 references when no CUDA device is usable. The suites run on the one shared
 * strict-FP32 backend ({@link GpuTests#sharedStrict}) with tolerances widened by
 * {@link GpuTests#CONTRACT_TOLERANCE_SCALE}; the contract classes declare {@code backend()} and
 * {@code toleranceScale()} themselves, so each test class forwards those two in one line each.
 */
interface CudaContractSuite {
    @BeforeEach
    default void requireGpu() {
        GpuTests.assumeGpu();
    }
}
