package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every activation's forward against float64 definitions and its backward against finite differences, in every
 * operand type ({@link TypedContract}). Backend-independent (see {@link BackendContract}).
 *
 * <p>Half-precision tolerances (k unit roundoffs, see {@link TypedContract}): forward k = 1, the result's rounding;
 * backward k = 5: sigmoid and tanh take f' from the stored y, whose rounding moves sigmoid's y(1 - y) by up to u
 * against a largest derivative of 1/4 (4u), plus the result's rounding.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.jdnn.ops.testing.TypedContract#operandTypes")
public abstract class ActivationContract extends TypedContract {
    protected static final float SLOPE = 0.07f;

    /** Inputs over [-7, 7], so every piece (below -3, the ramps, above 6) is exercised, nudged off the kinks for FD. */
    protected float[] inputs() {
        float[] x = stored(Rand.uniform(21, (int) NCHW.numel(), -7, 7));
        for (int i = 0; i < x.length; i++) {
            // Keep FD off the kinks: kink + 2^-4 is exact in every dtype (bfloat16's spacing below 8 is at most 2^-5).
            for (float kink : new float[] {-3, 0, 3, 6}) if (Math.abs(x[i] - kink) < 1e-3) x[i] = kink + 0.0625f;
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    public void forwardAndBackwardMatchReference(Activation kind) {
        float[] x = inputs(), r = stored(Rand.uniform(22, x.length));
        double[] expectedY = Reference.activation(kind, SLOPE, Rand.toDouble(x));
        double[] expectedDx = FiniteDifferences.pointwise(Rand.toDouble(x), v -> Reference.activation(kind, SLOPE, v), r, 1e-6);
        try (var f = fixtures()) {
            for (boolean strided : new boolean[] {false, true}) {
                assertClose(kind + " forward", expectedY, f.activationForward(kind, SLOPE, NCHW, x, strided), stored(2e-6, 1));
                assertClose(kind + " backward", expectedDx, f.activationBackward(kind, SLOPE, NCHW, x, r, strided), stored(1e-5, 5));
            }
        }
    }

    /** PyTorch's derivative conventions exactly at the kinks (every value here is exact in every dtype). */
    @Test
    public void derivativesAtKinksFollowPyTorch() {
        float[] x = {-3, 0, 3, 6};
        float[] ones = {1, 1, 1, 1};
        Shape s = Shape.of(1, 4);
        try (var f = new BackendParityFixtures(backend(), TypedContract.dtypes().filter(t -> t.dtype() == type.dtype()).findFirst().orElseThrow())) {
            assertArrayEquals(new float[] {0, 0, 1, 1}, f.activationBackward(Activation.RELU, 0, s, x, ones, false));
            assertArrayEquals(new float[] {0, 0, 1, 0}, f.activationBackward(Activation.RELU6, 0, s, x, ones, false));
            float slope = f.stored(new float[] {SLOPE})[0];
            assertArrayEquals(new float[] {slope, slope, 1, 1}, f.activationBackward(Activation.LEAKY_RELU, SLOPE, s, x, ones, false));
            assertArrayEquals(f.stored(new float[] {0, 1 / 6f, 0, 0}), f.activationBackward(Activation.HARD_SIGMOID, 0, s, x, ones, false));
            assertArrayEquals(new float[] {-0.5f, 0.5f, 1.5f, 1}, f.activationBackward(Activation.HARD_SWISH, 0, s, x, ones, false));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"RELU", "SILU", "HARD_SWISH"})
    public void inPlaceForwardAndAlphaBeta(Activation kind) {
        float[] x = inputs(), y0 = stored(Rand.uniform(23, x.length)), dy = stored(Rand.uniform(24, x.length)), dx0 = stored(Rand.uniform(25, x.length));
        double[] fx = Reference.activation(kind, SLOPE, Rand.toDouble(x));
        double[] grad = FiniteDifferences.pointwise(Rand.toDouble(x), v -> Reference.activation(kind, SLOPE, v), dy, 1e-6);
        double[] expectedY = new double[x.length], expectedDx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expectedY[i] = 3 * fx[i] - 0.5 * y0[i];
            expectedDx[i] = 0.5 * grad[i] + 2 * dx0[i];
        }
        try (var f = fixtures(); ActivationPlan plan = f.backend().activation(kind, SLOPE, NCHW, type)) {
            Tensor inPlace = f.act(NCHW, x, true);
            plan.forward(1f, inPlace, 0f, inPlace);
            assertClose(kind + " in place", fx, f.get(inPlace), stored(2e-6, 1));
            assertTrue(f.paddingIntact(inPlace), "wrote outside the view");

            Tensor tx = f.act(NCHW, x, true), y = f.act(NCHW, y0, true);
            plan.forward(3f, tx, -0.5f, y);
            assertClose(kind + " alpha/beta forward", expectedY, f.get(y), stored(2e-6, 1));
            Tensor fy = f.actOutput(NCHW, false);
            plan.forward(1f, tx, 0f, fy);
            Tensor dx = f.act(NCHW, dx0, false);
            plan.backward(0.5f, tx, fy, f.act(NCHW, dy, true), 2f, dx);
            assertClose(kind + " alpha/beta backward", expectedDx, f.get(dx), stored(1e-5, 5));
        }
    }
}
