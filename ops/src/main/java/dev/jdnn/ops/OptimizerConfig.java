package dev.jdnn.ops;

/**
 * The fixed hyper-parameters of the fused optimizer updates, with PyTorch's semantics (torch.optim.SGD, Adam, AdamW)
 * and, like PyTorch's Python floats, in double. The learning rate is not here: it changes every step, so it travels
 * with the other per-step values in the step scalars ({@link OptimizerScalars}). The float values the update
 * arithmetic uses are derived here once, for both backends, the way torch converts a Python scalar for a float32
 * tensor op: computed in double, then rounded to float.
 */
public sealed interface OptimizerConfig {
    /** L2 weight decay (SGD, Adam) or the decoupled decay rate (AdamW); 0 = none. */
    double weightDecay();

    /** This configuration with another weight decay (parameter groups differ in it). */
    OptimizerConfig withWeightDecay(double weightDecay);

    /** "sgd", "adam" or "adamw" (checkpoints record it, so a resume with another optimizer is refused). */
    String kind();

    /**
     * torch.optim.SGD: g += wd·p; with momentum, buf = g on the first step, else buf·momentum + (1-dampening)·g, and
     * g = nesterov ? g + momentum·buf : buf; then p -= lr·g.
     */
    record Sgd(double momentum, double dampening, double weightDecay, boolean nesterov) implements OptimizerConfig {
        public Sgd {
            if (!(momentum >= 0)) throw new IllegalArgumentException("SGD momentum must be >= 0, got " + momentum);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("SGD weight decay must be >= 0, got " + weightDecay);
            if (nesterov && (momentum <= 0 || dampening != 0)) throw new IllegalArgumentException("Nesterov momentum requires momentum > 0 and zero dampening");
        }

        @Override public Sgd withWeightDecay(double wd) { return new Sgd(momentum, dampening, wd, nesterov); }
        @Override public String kind() { return "sgd"; }
        public boolean hasMomentum() { return momentum != 0; }

        /** momentum as the float the update multiplies by. */
        public float momentumF() { return (float) momentum; }
        /** 1 - dampening, in double then float: the alpha of {@code buf.add_(g, alpha=1-dampening)}. */
        public float keep() { return (float) (1 - dampening); }
        public float weightDecayF() { return (float) weightDecay; }
    }

    /**
     * torch.optim.Adam (L2 decay added to the gradient) or AdamW ({@code decoupled}: p *= 1 - lr·wd), with bias
     * correction; amsgrad optional. The order of operations is torch's {@code _single_tensor_adam}; see
     * {@link OptimizerScalars#write} for the per-step values.
     */
    record Adam(double beta1, double beta2, double eps, double weightDecay, boolean decoupled, boolean amsgrad) implements OptimizerConfig {
        public Adam {
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
            if (!(eps > 0)) throw new IllegalArgumentException("Adam eps must be > 0, got " + eps);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("Adam weight decay must be >= 0, got " + weightDecay);
        }

        /** torchvision's usual Adam: betas (0.9, 0.999), eps 1e-8. */
        public static Adam adam(double weightDecay) { return new Adam(0.9, 0.999, 1e-8, weightDecay, false, false); }

        /** torchvision's usual AdamW: betas (0.9, 0.999), eps 1e-8, decoupled decay. */
        public static Adam adamw(double weightDecay) { return new Adam(0.9, 0.999, 1e-8, weightDecay, true, false); }

        @Override public Adam withWeightDecay(double wd) { return new Adam(beta1, beta2, eps, wd, decoupled, amsgrad); }
        @Override public String kind() { return decoupled ? "adamw" : "adam"; }

        /** 1 - beta1, in double then float: the weight of {@code exp_avg.lerp_(g, 1-beta1)}. */
        public float lerpWeight() { return (float) (1 - beta1); }
        public float beta2F() { return (float) beta2; }
        /** 1 - beta2, in double then float: the value of {@code addcmul_(g, g, value=1-beta2)}. */
        public float oneMinusBeta2() { return (float) (1 - beta2); }
        public float epsF() { return (float) eps; }
        /** The alpha of Adam's {@code g.add(p, alpha=wd)}; 0 for AdamW, whose decay is the per-step factor in the scalars. */
        public float l2() { return decoupled ? 0f : (float) weightDecay; }
    }
}
