package dev.jdnn.ops.cuda;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.OptimizerContract;
import org.junit.jupiter.api.Tag;

/**
 * The backend-independent optimizer suite on the CUDA backend: float64 references, torch's order of operations bit
 * for bit (the kernels use explicit rounding intrinsics), PyTorch's own steps, the guard and gradient clipping.
 */
@Tag("gpu")
class CudaOptimizerContractTest extends OptimizerContract implements CudaContractSuite {
    @Override protected Backend backend() { return GpuTests.sharedStrict(); }

    @Override protected double toleranceScale() { return GpuTests.CONTRACT_TOLERANCE_SCALE; }
}
