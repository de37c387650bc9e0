package dev.jdnn.ops.cpu;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.LossScalingContract;

/** LossScalingContract on the CPU backend: the reference semantics, in every operand type. */
class CpuLossScalingContractTest extends LossScalingContract {
    @Override
    protected Backend backend() {
        return new CpuBackend();
    }
}
