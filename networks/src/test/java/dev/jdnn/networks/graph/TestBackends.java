package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.cpu.CpuBackend;

/** The backend the graph tests run on: the CPU backend (with naive conv/linear if its own are not available yet). */
final class TestBackends {
    private TestBackends() {}

    static Backend cpu() {
        CpuBackend real = new CpuBackend();
        try (Tensor x = real.zeros(Shape.of(1, 1, 1, 1)); Tensor w = real.zeros(Shape.of(1, 1, 1, 1)); Tensor y = real.zeros(Shape.of(1, 1, 1, 1))) {
            real.conv2d(Conv2dSpec.of(x.shape(), 1, 1, 1, 0, 1, 1, false)).forward(1f, x, w, null, 0f, y, null);
            return real;
        } catch (UnsupportedOperationException e) {
            return NaiveConvLinear.wrap(real);
        }
    }
}
