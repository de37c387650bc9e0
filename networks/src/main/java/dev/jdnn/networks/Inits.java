package dev.jdnn.networks;

import dev.jdnn.memory.Shape;

import java.util.SplittableRandom;

/** Helpers behind {@link Init}: fan computations as torch.nn.init defines them, and a Gaussian sampler. */
public final class Inits {
    private Inits() {}

    /** fan_in = size(1) * receptive field (product of dims 2..). */
    public static long fanIn(Shape s) {
        if (s.rank() < 2) return s.numel();
        return s.dim(1) * receptive(s);
    }

    /** fan_out = size(0) * receptive field. */
    public static long fanOut(Shape s) {
        if (s.rank() < 2) return s.numel();
        return s.dim(0) * receptive(s);
    }

    private static long receptive(Shape s) {
        long r = 1;
        for (int i = 2; i < s.rank(); i++) r *= s.dim(i);
        return r;
    }

    /** A standard normal sample (Box–Muller; the generator alone decides the sequence). */
    public static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble(), u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
