package dev.jdnn.training.optim;

import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;

import java.util.List;
import java.util.Map;

/** torch.optim.Adam (L2 decay) or AdamW (decoupled decay), amsgrad optional, through {@link Backend#adamStep}. */
public final class Adam extends Optimizer {
    private final float beta1, beta2, eps;
    private final boolean decoupled, amsgrad;

    public Adam(Backend backend, Map<String, Parameter> trainable, Tensor flatValues, Tensor flatGrads, List<ParameterGroup> groups,
                double beta1, double beta2, double eps, boolean decoupled, boolean amsgrad) {
        super(backend, trainable, flatValues, flatGrads, groups,
                amsgrad ? List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq") : List.of("exp_avg", "exp_avg_sq"), OptimizerScalars.ADAM_LENGTH,
                OptimizerScalars.ADAM_APPLY);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        if (!(eps > 0)) throw new IllegalArgumentException("Adam eps must be > 0, got " + eps);
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.decoupled = decoupled;
        this.amsgrad = amsgrad;
    }

    @Override
    protected void update(Segment s, float lr, float weightDecay, long step) {
        var config = new OptimizerConfig.Adam(lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad);
        backend.adamStep(s.values(), s.grads(), s.state()[0], s.state()[1], amsgrad ? s.state()[2] : null, config, step);
    }

    @Override
    protected void writeScalars(float[] dst, int offset, float lr, long step) {
        OptimizerScalars.adam(dst, offset, lr, beta1, beta2, step);
    }

    @Override
    protected void update(Segment s, float weightDecay, Tensor scalars) {
        var fixed = new OptimizerConfig.Adam(0f, beta1, beta2, eps, weightDecay, decoupled, amsgrad); // lr comes from the scalars
        backend.adamStep(s.values(), s.grads(), s.state()[0], s.state()[1], amsgrad ? s.state()[2] : null, fixed, scalars);
    }

    @Override
    public String kind() {
        return decoupled ? "adamw" : "adam";
    }
}
