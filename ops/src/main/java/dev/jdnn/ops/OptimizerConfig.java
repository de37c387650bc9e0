package dev.jdnn.ops;

/** Hyper-parameters of the fused optimizer updates, with PyTorch's semantics (torch.optim.SGD / Adam / AdamW). */
public final class OptimizerConfig {
    private OptimizerConfig() {}

    /** v = momentum*v + (1-dampening)*(g + wd*p) (v = g+wd*p on the first step); p -= lr * (nesterov ? g' + momentum*v : v). */
    public record Sgd(float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {
        public Sgd {
            if (nesterov && (momentum <= 0 || dampening != 0)) throw new IllegalArgumentException("Nesterov momentum requires momentum > 0 and zero dampening");
        }
    }

    /** Adam (L2 weight decay added to the gradient) or AdamW (decoupled: p *= 1 - lr*wd), with bias correction; amsgrad optional. */
    public record Adam(float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, boolean amsgrad) {}
}
