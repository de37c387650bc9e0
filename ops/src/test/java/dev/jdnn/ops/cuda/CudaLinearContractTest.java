package dev.jdnn.ops.cuda;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.LinearContract;
import org.junit.jupiter.api.Tag;

/** The backend-independent LinearContract on the CUDA backend, in every operand type it is parameterised with. */
@Tag("gpu")
class CudaLinearContractTest extends LinearContract implements CudaContractSuite {
    @Override protected Backend backend() { return GpuTests.sharedStrict(); }

    @Override protected double toleranceScale() { return GpuTests.CONTRACT_TOLERANCE_SCALE; }

    @Override protected double extraRoundings() { return GpuTests.CONTRACT_EXTRA_ROUNDINGS; }
}
