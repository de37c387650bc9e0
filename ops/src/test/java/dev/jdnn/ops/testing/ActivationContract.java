package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every activation's forward against float64 definitions and its backward against finite differences.
 * Backend-independent (see {@link BackendContract}).
 */
public abstract class ActivationContract extends BackendContract {
    protected static final float SLOPE = 0.07f;

    /** Inputs over [-7, 7], so every piece (below -3, the ramps, above 6) is exercised, nudged off the kinks for FD. */
    protected static float[] inputs() {
        float[] x = Rand.uniform(21, (int) NCHW.numel(), -7, 7);
        for (int i = 0; i < x.length; i++) {
            for (float kink : new float[] {-3, 0, 3, 6}) if (Math.abs(x[i] - kink) < 1e-3) x[i] = kink + 0.01f; // keep FD off the kinks
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    public void forwardAndBackwardMatchReference(Activation kind) {
        float[] x = inputs(), r = Rand.uniform(22, x.length);
        double[] expectedY = Reference.activation(kind, SLOPE, Rand.toDouble(x));
        double[] expectedDx = FiniteDifferences.pointwise(Rand.toDouble(x), v -> Reference.activation(kind, SLOPE, v), r, 1e-6);
        try (var f = new BackendParityFixtures(backend())) {
            for (boolean strided : new boolean[] {false, true}) {
                assertClose(kind + " forward", expectedY, f.activationForward(kind, SLOPE, NCHW, x, strided), tol(2e-6));
                assertClose(kind + " backward", expectedDx, f.activationBackward(kind, SLOPE, NCHW, x, r, strided), tol(1e-5));
            }
        }
    }

    /** PyTorch's derivative conventions exactly at the kinks. */
    @Test
    public void derivativesAtKinksFollowPyTorch() {
        float[] x = {-3, 0, 3, 6};
        float[] ones = {1, 1, 1, 1};
        Shape s = Shape.of(1, 4);
        try (var f = new BackendParityFixtures(backend())) {
            assertArrayEquals(new float[] {0, 0, 1, 1}, f.activationBackward(Activation.RELU, 0, s, x, ones, false));
            assertArrayEquals(new float[] {0, 0, 1, 0}, f.activationBackward(Activation.RELU6, 0, s, x, ones, false));
            assertArrayEquals(new float[] {SLOPE, SLOPE, 1, 1}, f.activationBackward(Activation.LEAKY_RELU, SLOPE, s, x, ones, false));
            assertArrayEquals(new float[] {0, 1 / 6f, 0, 0}, f.activationBackward(Activation.HARD_SIGMOID, 0, s, x, ones, false));
            assertArrayEquals(new float[] {-0.5f, 0.5f, 1.5f, 1}, f.activationBackward(Activation.HARD_SWISH, 0, s, x, ones, false));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"RELU", "SILU", "HARD_SWISH"})
    public void inPlaceForwardAndAlphaBeta(Activation kind) {
        float[] x = inputs(), y0 = Rand.uniform(23, x.length), dy = Rand.uniform(24, x.length), dx0 = Rand.uniform(25, x.length);
        double[] fx = Reference.activation(kind, SLOPE, Rand.toDouble(x));
        double[] grad = FiniteDifferences.pointwise(Rand.toDouble(x), v -> Reference.activation(kind, SLOPE, v), dy, 1e-6);
        double[] expectedY = new double[x.length], expectedDx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            expectedY[i] = 3 * fx[i] - 0.5 * y0[i];
            expectedDx[i] = 0.5 * grad[i] + 2 * dx0[i];
        }
        try (var f = new BackendParityFixtures(backend()); ActivationPlan plan = f.backend().activation(kind, SLOPE, NCHW)) {
            Tensor inPlace = f.tensor(NCHW, x, true);
            plan.forward(1f, inPlace, 0f, inPlace);
            assertClose(kind + " in place", Reference.activation(kind, SLOPE, Rand.toDouble(x)), f.get(inPlace), tol(2e-6));
            assertTrue(f.paddingIntact(inPlace), "wrote outside the batch-strided view");

            Tensor tx = f.tensor(NCHW, x, true), y = f.tensor(NCHW, y0, true);
            plan.forward(3f, tx, -0.5f, y);
            assertClose(kind + " alpha/beta forward", expectedY, f.get(y), tol(2e-6));
            Tensor fy = f.output(NCHW, false);
            plan.forward(1f, tx, 0f, fy);
            Tensor dx = f.tensor(NCHW, dx0, false);
            plan.backward(0.5f, tx, fy, f.tensor(NCHW, dy, true), 2f, dx);
            assertClose(kind + " alpha/beta backward", expectedDx, f.get(dx), tol(1e-5));
        }
    }
}
