package dev.jdnn.ops.cpu;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.Conv2dContract;

/** Conv2dContract on the CPU backend: the reference semantics, in every operand type. */
class CpuConv2dContractTest extends Conv2dContract {
    @Override
    protected Backend backend() {
        return new CpuBackend();
    }
}
