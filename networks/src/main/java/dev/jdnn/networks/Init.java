package dev.jdnn.networks;

import dev.jdnn.memory.Shape;

import java.util.SplittableRandom;

/**
 * How a parameter is initialised, as torchvision does per family. {@code fill} writes shape.numel() values in
 * row-major order using the given generator (seeded per model, so initialisation is reproducible).
 */
@FunctionalInterface
public interface Init {
    void fill(float[] values, Shape shape, SplittableRandom rng);

    static Init constant(float c) {
        return (v, s, r) -> java.util.Arrays.fill(v, c);
    }

    static Init zeros() { return constant(0f); }

    static Init ones() { return constant(1f); }

    static Init normal(double mean, double std) {
        return (v, s, r) -> {
            for (int i = 0; i < v.length; i++) v[i] = (float) (mean + std * Inits.gaussian(r));
        };
    }

    static Init uniform(double low, double high) {
        return (v, s, r) -> {
            for (int i = 0; i < v.length; i++) v[i] = (float) (low + (high - low) * r.nextDouble());
        };
    }

    /** kaiming_normal_(mode="fan_out", nonlinearity="relu"): std = sqrt(2 / fan_out). */
    static Init kaimingNormalFanOut() {
        return (v, s, r) -> normal(0, Math.sqrt(2.0 / Inits.fanOut(s))).fill(v, s, r);
    }

    /** PyTorch's default for Conv2d/Linear weights: kaiming_uniform_(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    static Init pytorchDefaultWeight() {
        return (v, s, r) -> {
            double b = 1.0 / Math.sqrt(Inits.fanIn(s));
            uniform(-b, b).fill(v, s, r);
        };
    }

    /** PyTorch's default bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with the weight's fan_in. */
    static Init pytorchDefaultBias(int fanIn) {
        return (v, s, r) -> {
            double b = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0;
            uniform(-b, b).fill(v, s, r);
        };
    }

    /** trunc_normal_(std, a=-2std, b=2std) by rejection, as torchvision's GoogLeNet/EfficientNet-style inits use. */
    static Init truncatedNormal(double std, double a, double b) {
        return (v, s, r) -> {
            for (int i = 0; i < v.length; i++) {
                double x;
                do { x = std * Inits.gaussian(r); } while (x < a || x > b);
                v[i] = (float) x;
            }
        };
    }
}
