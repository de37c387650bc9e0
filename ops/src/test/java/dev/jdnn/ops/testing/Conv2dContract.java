package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolution — forward with bias, backward data, filter and bias, alpha and beta — against the float64 definition
 * ({@link Reference#conv2d}) and its adjoint, in every operand type ({@link TypedContract}): x, w, y, dx, dy in the
 * run's dtype and format (w channels-last KRSC for NHWC), bias, dW and db float32, and x, y, dx, dy also as views
 * (batch-strided NCHW, pixel-strided NHWC). Backend-independent (see {@link BackendContract}).
 *
 * <p>Half precision: y and dx are rounded once (k = 2, the default); dW and db are float32 results of float32
 * accumulation over the stored operands and keep the float32 tolerance, plus {@link #extraRoundings()} unit roundoffs
 * for a backend that rounds the raw weight gradient to the operands' type first (cuDNN's legacy API does).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.jdnn.ops.testing.TypedContract#operandTypes")
public abstract class Conv2dContract extends TypedContract {
    static Stream<Arguments> specs() {
        return Stream.of(
                Arguments.of("3x3, stride 2, pad 1, dilation 2, bias", new Conv2dSpec(3, 5, 7, 9, 4, 3, 3, 2, 2, 1, 1, 2, 2, 1, true)),
                Arguments.of("3x3 same padding, bias", new Conv2dSpec(2, 8, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, true)),
                Arguments.of("groups 2, 3x2 kernel, mixed stride/pad", new Conv2dSpec(2, 6, 7, 9, 4, 3, 2, 2, 1, 1, 0, 2, 1, 2, false)),
                Arguments.of("depthwise, stride 2", new Conv2dSpec(2, 6, 7, 9, 6, 3, 3, 2, 2, 1, 1, 1, 1, 6, true)),
                Arguments.of("pointwise 1x1", new Conv2dSpec(3, 5, 7, 9, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    public void forwardAndGradientsMatchFloat64(String name, Conv2dSpec generic) {
        Conv2dSpec s = generic.with(type);
        float[] x = stored(Rand.uniform(name.hashCode(), numel(s.inputShape())));
        float[] w = stored(Rand.uniform(name.hashCode() + 1, numel(s.weightShape())));
        float[] b = s.bias() ? Rand.uniform(name.hashCode() + 2, s.outChannels()) : null;
        float[] dy = stored(Rand.uniform(name.hashCode() + 3, numel(s.outputShape())));
        double[] expectedY = Reference.conv2d(s, Rand.toDouble(x), Rand.toDouble(w), b == null ? null : Rand.toDouble(b));
        double[][] grads = Reference.conv2dAdjoint(s, Rand.toDouble(x), Rand.toDouble(w), Rand.toDouble(dy));
        double weightGradientTolerance = tol(1e-5) + extraRoundings() * unitRoundoff(type.dtype());
        try (var f = fixtures(); Conv2dPlan plan = f.backend().conv2d(s)) {
            for (boolean strided : new boolean[] {false, true}) {
                Tensor tx = f.act(s.inputShape(), x, strided), tw = f.act(s.weightShape(), w, false), tdy = f.act(s.outputShape(), dy, strided);
                Tensor tb = b == null ? null : f.tensor(s.biasShape(), b);
                Tensor y = f.actOutput(s.outputShape(), strided);
                plan.forward(1f, tx, tw, tb, 0f, y);
                assertClose(name + " forward, strided=" + strided, expectedY, f.get(y), stored(1e-5));
                Tensor dx = f.actOutput(s.inputShape(), strided);
                plan.backwardData(1f, tdy, tw, 0f, dx);
                assertClose(name + " backward data, strided=" + strided, grads[0], f.get(dx), stored(1e-5));
                Tensor dw = f.output(s.weightShape(), type.format());
                plan.backwardFilter(1f, tx, tdy, 0f, dw);
                assertClose(name + " backward filter, strided=" + strided, grads[1], f.get(dw), weightGradientTolerance);
                if (b != null) {
                    Tensor db = f.output(s.biasShape(), false);
                    plan.backwardBias(1f, tdy, 0f, db);
                    assertClose(name + " backward bias, strided=" + strided, grads[2], f.get(db), tol(1e-5));
                }
                assertTrue(f.paddingIntact(y) && f.paddingIntact(dx), "wrote outside a view");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    public void alphaScalesAndBetaAccumulates(String name, Conv2dSpec generic) {
        Conv2dSpec s = generic.with(type);
        float[] x = stored(Rand.uniform(11, numel(s.inputShape()))), w = stored(Rand.uniform(12, numel(s.weightShape())));
        float[] dy = stored(Rand.uniform(13, numel(s.outputShape())));
        float[] y0 = stored(Rand.uniform(14, numel(s.outputShape()))), dx0 = stored(Rand.uniform(15, numel(s.inputShape())));
        float[] dw0 = Rand.uniform(16, numel(s.weightShape()));
        double[] y = Reference.conv2d(s, Rand.toDouble(x), Rand.toDouble(w), null);
        double[][] g = Reference.conv2dAdjoint(s, Rand.toDouble(x), Rand.toDouble(w), Rand.toDouble(dy));
        try (var f = fixtures(); Conv2dPlan plan = f.backend().conv2d(s)) {
            Tensor tx = f.act(s.inputShape(), x, true), tw = f.act(s.weightShape(), w, false), tdy = f.act(s.outputShape(), dy, false);
            Tensor ty = f.act(s.outputShape(), y0, true), tdx = f.act(s.inputShape(), dx0, false);
            Tensor tdw = f.output(s.weightShape(), type.format());
            f.backend().upload(dw0, tdw);
            plan.forward(0.5f, tx, tw, null, -1.5f, ty);
            plan.backwardData(2f, tdy, tw, 1f, tdx);
            plan.backwardFilter(-1f, tx, tdy, 1f, tdw);
            assertClose(name + " y = 0.5 conv - 1.5 y0", combine(0.5, y, -1.5, y0), f.get(ty), stored(1e-5));
            assertClose(name + " dx = 2 dgrad + dx0", combine(2, g[0], 1, dx0), f.get(tdx), stored(1e-5));
            assertClose(name + " dW = -wgrad + dW0", combine(-1, g[1], 1, dw0), f.get(tdw), tol(1e-5) + extraRoundings() * unitRoundoff(type.dtype()));
        }
    }

    private static double[] combine(double a, double[] op, double b, float[] old) {
        double[] out = new double[op.length];
        for (int i = 0; i < op.length; i++) out[i] = a * op[i] + b * old[i];
        return out;
    }

    private static int numel(Shape s) {
        return Math.toIntExact(s.numel());
    }
}
