package dev.jdnn.ops.cuda;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.LrnContract;
import org.junit.jupiter.api.Tag;

/** The backend-independent lrn suite (float64 references, finite differences) on the CUDA backend. */
@Tag("gpu")
class CudaLrnContractTest extends LrnContract implements CudaContractSuite {
    @Override protected Backend backend() { return GpuTests.sharedStrict(); }

    @Override protected double toleranceScale() { return GpuTests.CONTRACT_TOLERANCE_SCALE; }

    @Override protected double extraRoundings() { return GpuTests.CONTRACT_EXTRA_ROUNDINGS; }
}
