package dev.jdnn.ops.cuda;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.LossScalingContract;
import org.junit.jupiter.api.Tag;

/** The backend-independent LossScalingContract on the CUDA backend, in every operand type it is parameterised with. */
@Tag("gpu")
class CudaLossScalingContractTest extends LossScalingContract implements CudaContractSuite {
    @Override protected Backend backend() { return GpuTests.sharedStrict(); }

    @Override protected double toleranceScale() { return GpuTests.CONTRACT_TOLERANCE_SCALE; }

    @Override protected double extraRoundings() { return GpuTests.CONTRACT_EXTRA_ROUNDINGS; }
}
