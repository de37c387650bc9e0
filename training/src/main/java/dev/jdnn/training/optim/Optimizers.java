package dev.jdnn.training.optim;

import dev.jdnn.networks.graph.CompiledModel;

/**
 * Optimizers over all of a compiled model's trainable parameters, as one group (torch.optim's defaults otherwise:
 * Adam's betas (0.9, 0.999) and eps 1e-8). For per-group settings (no decay on biases and BN, a head learning rate)
 * build the groups with {@link GroupRules} and use the constructors.
 */
public final class Optimizers {
    private Optimizers() {}

    /** torch.optim.SGD(lr, momentum, weight_decay, nesterov); dampening 0. */
    public static Optimizer sgd(CompiledModel model, double lr, double momentum, double weightDecay, boolean nesterov) {
        var groups = new GroupRules(lr, weightDecay).partition(model.trainableParameters());
        return new Sgd(model.backend(), model.trainableParameters(), model.flatParameters(), model.flatGradients(), groups, momentum, 0, nesterov);
    }

    /** torch.optim.Adam(lr, weight_decay): L2 decay added to the gradient. */
    public static Optimizer adam(CompiledModel model, double lr, double weightDecay) {
        return adam(model, lr, weightDecay, false);
    }

    /** torch.optim.AdamW(lr, weight_decay): decoupled weight decay. */
    public static Optimizer adamw(CompiledModel model, double lr, double weightDecay) {
        return adam(model, lr, weightDecay, true);
    }

    private static Optimizer adam(CompiledModel model, double lr, double weightDecay, boolean decoupled) {
        var groups = new GroupRules(lr, weightDecay).partition(model.trainableParameters());
        return new Adam(model.backend(), model.trainableParameters(), model.flatParameters(), model.flatGradients(), groups, 0.9, 0.999, 1e-8, decoupled, false);
    }
}
