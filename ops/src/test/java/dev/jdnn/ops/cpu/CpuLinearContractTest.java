package dev.jdnn.ops.cpu;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.LinearContract;

/** LinearContract on the CPU backend: the reference semantics, in every operand type. */
class CpuLinearContractTest extends LinearContract {
    @Override
    protected Backend backend() {
        return new CpuBackend();
    }
}
