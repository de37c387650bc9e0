package dev.jdnn.training.optim;

import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.ops.OptimizerConfig;

import java.util.List;

/**
 * The usual optimizers for a compiled model: every trainable parameter in one group, torchvision's defaults for what
 * is not given (Adam/AdamW betas (0.9, 0.999), eps 1e-8). For several groups (no decay on biases and BN parameters,
 * a smaller learning rate for a pretrained backbone) build them with {@link GroupRules} and call
 * {@link #create(CompiledModel, List, OptimizerConfig)}.
 */
public final class Optimizers {
    private Optimizers() {}

    /** torch.optim.SGD(lr, momentum, dampening=0, weight_decay, nesterov). */
    public static Optimizer sgd(CompiledModel model, double lr, double momentum, double weightDecay, boolean nesterov) {
        return create(model, oneGroup(model, lr, weightDecay), new OptimizerConfig.Sgd(momentum, 0, weightDecay, nesterov));
    }

    /** torch.optim.Adam(lr, weight_decay): L2 decay added to the gradient. */
    public static Optimizer adam(CompiledModel model, double lr, double weightDecay) {
        return create(model, oneGroup(model, lr, weightDecay), OptimizerConfig.Adam.adam(weightDecay));
    }

    /** torch.optim.AdamW(lr, weight_decay): decoupled decay. */
    public static Optimizer adamw(CompiledModel model, double lr, double weightDecay) {
        return create(model, oneGroup(model, lr, weightDecay), OptimizerConfig.Adam.adamw(weightDecay));
    }

    /** An optimizer over the model's trainable parameters, laid out over its flat buffers, with the given groups. */
    public static Optimizer create(CompiledModel model, List<ParameterGroup> groups, OptimizerConfig rule) {
        return new Optimizer(model.backend(), model.trainableParameters(), model.flatParameters(), model.flatGradients(), groups, rule);
    }

    private static List<ParameterGroup> oneGroup(CompiledModel model, double lr, double weightDecay) {
        return new GroupRules(lr, weightDecay).partition(model.trainableParameters());
    }
}
