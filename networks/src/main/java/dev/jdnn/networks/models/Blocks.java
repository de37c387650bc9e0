package dev.jdnn.networks.models;

import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Sequential;

import java.util.function.Supplier;

/** Building blocks several families share. */
final class Blocks {
    private Blocks() {}

    /**
     * torchvision's Conv2dNormActivation: Sequential(conv (no bias), BN[, activation]) with "same" padding
     * (k-1)/2, so the keys are {@code N.0.weight}, {@code N.1.running_mean}, ... exactly as torchvision's.
     *
     * @param act the activation factory, or null for a linear projection (conv + BN only)
     */
    static Sequential convNormAct(int in, int out, int kernel, int stride, int groups, Norm norm, Supplier<Act> act) {
        Sequential s = new Sequential(new Conv2d(in, out, kernel, stride, (kernel - 1) / 2, 1, groups, false), norm.of(out));
        if (act != null) s.add(act.get());
        return s;
    }

    /**
     * torchvision's _make_divisible (from the TF MobileNet code): rounds v to the nearest multiple of divisor, at
     * least divisor, and never more than 10% below v.
     */
    static int makeDivisible(double v, int divisor) {
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }
}
