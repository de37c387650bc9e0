package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;

/**
 * One optimizer update issued right away, for tests that drive the backend by hand: this step's scalars
 * ({@link OptimizerScalars}) written into a fresh tensor on the backend, then the update reading them.
 */
public final class Updates {
    private Updates() {}

    public static void sgd(Backend b, Tensor param, Tensor grad, Tensor momentum, OptimizerConfig.Sgd config, double lr, long step) {
        try (Tensor scalars = scalars(b, config, lr, step)) {
            b.sgdStep(param, grad, momentum, config, scalars);
        }
    }

    public static void adam(Backend b, Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vmax, OptimizerConfig.Adam config, double lr, long step) {
        try (Tensor scalars = scalars(b, config, lr, step)) {
            b.adamStep(param, grad, m, v, vmax, config, scalars);
        }
    }

    private static Tensor scalars(Backend b, OptimizerConfig config, double lr, long step) {
        Tensor t = b.allocate(Shape.of(OptimizerScalars.length(config)));
        b.upload(OptimizerScalars.of(config, lr, step), t);
        return t;
    }
}
