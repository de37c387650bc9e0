package dev.jdnn.networks.graph;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;

/** The backend the graph tests run on. */
final class TestBackends {
    private TestBackends() {}

    static Backend cpu() {
        return new CpuBackend();
    }
}
