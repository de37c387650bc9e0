package dev.jdnn.training.optim;

import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;

import java.util.List;
import java.util.Map;

/** torch.optim.SGD (momentum, dampening, Nesterov, L2 weight decay) through {@link Backend#sgdStep}. */
public final class Sgd extends Optimizer {
    private final float momentum, dampening;
    private final boolean nesterov;

    public Sgd(Backend backend, Map<String, Parameter> trainable, Tensor flatValues, Tensor flatGrads, List<ParameterGroup> groups,
               double momentum, double dampening, boolean nesterov) {
        super(backend, trainable, flatValues, flatGrads, groups, momentum > 0 ? List.of("momentum_buffer") : List.of(),
                OptimizerScalars.SGD_LENGTH, OptimizerScalars.SGD_APPLY);
        if (momentum < 0) throw new IllegalArgumentException("momentum must be >= 0, got " + momentum);
        this.momentum = (float) momentum;
        this.dampening = (float) dampening;
        this.nesterov = nesterov;
        new OptimizerConfig.Sgd(0, this.momentum, this.dampening, 0, nesterov); // validates Nesterov's preconditions now
    }

    @Override
    protected void update(Segment s, float lr, float weightDecay, long step) {
        var config = new OptimizerConfig.Sgd(lr, momentum, dampening, weightDecay, nesterov);
        backend.sgdStep(s.values(), s.grads(), s.state().length > 0 ? s.state()[0] : null, config, step == 1);
    }

    @Override
    protected void writeScalars(float[] dst, int offset, float lr, long step) {
        OptimizerScalars.sgd(dst, offset, lr, step == 1);
    }

    @Override
    protected void update(Segment s, float weightDecay, Tensor scalars) {
        var fixed = new OptimizerConfig.Sgd(0f, momentum, dampening, weightDecay, nesterov); // lr comes from the scalars
        backend.sgdStep(s.values(), s.grads(), s.state().length > 0 ? s.state()[0] : null, fixed, scalars);
    }

    @Override
    public String kind() {
        return "sgd";
    }
}
