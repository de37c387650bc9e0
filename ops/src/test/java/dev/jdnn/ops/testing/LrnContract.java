package dev.jdnn.ops.testing;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LrnPlan;
import dev.jdnn.ops.LrnSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;

/**
 * Cross-channel LRN (PyTorch LocalResponseNorm) against float64 reference and finite differences, in every operand
 * type ({@link TypedContract}); results rounded once (k = 2, the default). Backend-independent (see
 * {@link BackendContract}).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.jdnn.ops.testing.TypedContract#operandTypes")
public abstract class LrnContract extends TypedContract {
    protected static final int N = 3, C = 5, HW = 63;

    /** Odd and even sizes: even windows are asymmetric (size/2 before, (size-1)/2 after). */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4, 7})
    public void forwardAndBackwardMatchReference(int size) {
        // alpha large enough that the cross-channel term of the gradient matters
        LrnSpec spec = new LrnSpec(NCHW, size, 0.5, 0.75, 2.0);
        float[] x = stored(Rand.uniform(31, (int) NCHW.numel(), -2, 2)), r = stored(Rand.uniform(32, x.length));
        double[] expectedY = Reference.lrn(N, C, HW, Rand.toDouble(x), size, 0.5, 0.75, 2.0);
        double[] expectedDx = FiniteDifferences.gradient(Rand.toDouble(x),
                v -> FiniteDifferences.weightedSum(Reference.lrn(N, C, HW, v, size, 0.5, 0.75, 2.0), r), 1e-5);
        try (var f = fixtures()) {
            for (boolean strided : new boolean[] {false, true}) {
                assertClose("lrn size " + size + " forward", expectedY, f.lrnForward(spec, x, strided), stored(1e-6));
                assertClose("lrn size " + size + " backward", expectedDx, f.lrnBackward(spec, x, r, strided), stored(1e-5));
            }
        }
    }

    @Test
    public void alphaBetaScaleAndAccumulate() {
        LrnSpec spec = new LrnSpec(NCHW, 5, 1e-4, 0.75, 1.0);
        float[] x = stored(Rand.uniform(33, (int) NCHW.numel())), y0 = stored(Rand.uniform(34, x.length));
        float[] dy = stored(Rand.uniform(35, x.length)), dx0 = stored(Rand.uniform(36, x.length));
        try (var f = fixtures(); LrnPlan plan = f.backend().lrn(spec.with(type))) {
            float[] y1 = f.lrnForward(spec, x, false), dx1 = f.lrnBackward(spec, x, dy, false);
            Tensor tx = f.act(NCHW, x, false), y = f.act(NCHW, y0, false), dx = f.act(NCHW, dx0, false);
            plan.forward(2f, tx, 1f, y);
            plan.backward(-1f, tx, y, f.act(NCHW, dy, false), 0.5f, dx);
            double[] ey = new double[x.length], edx = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                ey[i] = 2.0 * y1[i] + y0[i];
                edx[i] = -dx1[i] + 0.5 * dx0[i];
            }
            // y1 and dx1 are rounded results themselves: k = 4 (theirs, scaled by up to 2, and this one's)
            assertClose("alpha/beta forward", ey, f.get(y), stored(1e-6, 4));
            assertClose("alpha/beta backward", edx, f.get(dx), stored(1e-6, 4));
        }
    }
}
