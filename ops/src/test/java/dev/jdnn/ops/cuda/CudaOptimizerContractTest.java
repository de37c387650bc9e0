package dev.jdnn.ops.cuda;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.OptimizerContract;
import org.junit.jupiter.api.Tag;

/** The backend-independent optimizer suite (float64 references, finite differences) on the CUDA backend. */
@Tag("gpu")
class CudaOptimizerContractTest extends OptimizerContract implements CudaContractSuite {
    @Override protected Backend backend() { return GpuTests.sharedStrict(); }

    @Override protected double toleranceScale() { return GpuTests.CONTRACT_TOLERANCE_SCALE; }

    /** The *_scalars kernels share the update code, but NVRTC may contract their arithmetic differently: compared within 1e-6. */
    @Override protected boolean stepScalarsBitExact() { return false; }
}
