package dev.jdnn.ops.cpu;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.testing.LrnContract;

/** LrnContract on the CPU backend. */
class CpuLrnTest extends LrnContract {
    @Override
    protected Backend backend() {
        return new CpuBackend();
    }
}
