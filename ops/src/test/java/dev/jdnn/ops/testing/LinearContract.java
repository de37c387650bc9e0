package dev.jdnn.ops.testing;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fully connected layer — forward with bias, backward data, weight and bias, alpha and beta — against float64
 * ({@link Reference#linear}), for operands stored in every dtype ({@link TypedContract#dtypes()}: [N, F] operands have
 * no memory format), rows also batch-strided. Backend-independent (see {@link BackendContract}).
 *
 * <p>Half precision: y and dx are rounded once, the bias added in float32 before (k = 2, the default); dW and db are
 * float32 and keep the float32 tolerance.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.jdnn.ops.testing.TypedContract#dtypes")
public abstract class LinearContract extends TypedContract {
    @ParameterizedTest(name = "batch={0} in={1} out={2}")
    @CsvSource({"3, 13, 7", "9, 70, 40"})
    public void forwardAndGradientsMatchFloat64(int batch, int in, int out) {
        LinearSpec s = new LinearSpec(batch, in, out, true, type.dtype());
        float[] x = stored(Rand.uniform(31, batch * in)), w = stored(Rand.uniform(32, out * in)), b = Rand.uniform(33, out);
        float[] dy = stored(Rand.uniform(34, batch * out)), y0 = stored(Rand.uniform(35, batch * out)), dw0 = Rand.uniform(36, out * in);
        double[] y = Reference.linear(batch, in, out, Rand.toDouble(x), Rand.toDouble(w), Rand.toDouble(b));
        double[][] g = Reference.linearAdjoint(batch, in, out, Rand.toDouble(x), Rand.toDouble(w), Rand.toDouble(dy));
        try (var f = fixtures(); LinearPlan plan = f.backend().linear(s)) {
            for (boolean strided : new boolean[] {false, true}) {
                Tensor tx = f.act(s.inputShape(), x, strided), tw = f.act(s.weightShape(), w, false), tdy = f.act(s.outputShape(), dy, strided);
                Tensor ty = f.actOutput(s.outputShape(), strided), tdx = f.actOutput(s.inputShape(), strided);
                Tensor tdw = f.output(s.weightShape(), false), tdb = f.output(s.biasShape(), false);
                plan.forward(1f, tx, tw, f.tensor(s.biasShape(), b), 0f, ty);
                plan.backwardData(1f, tdy, tw, 0f, tdx);
                plan.backwardWeight(1f, tx, tdy, 0f, tdw);
                plan.backwardBias(1f, tdy, 0f, tdb);
                assertClose("forward, strided=" + strided, y, f.get(ty), stored(1e-5));
                assertClose("backward data, strided=" + strided, g[0], f.get(tdx), stored(1e-5));
                assertClose("backward weight, strided=" + strided, g[1], f.get(tdw), tol(1e-5));
                assertClose("backward bias, strided=" + strided, g[2], f.get(tdb), tol(1e-5));
                assertTrue(f.paddingIntact(ty) && f.paddingIntact(tdx), "wrote outside a view");
            }
            // alpha and beta: y = 0.5 (x·Wᵀ + b) - y0 rounds once; dW = 2 dW_op + dW0 accumulates in float32
            Tensor ty = f.act(s.outputShape(), y0, true), tdw = f.tensor(s.weightShape(), dw0);
            Tensor tx = f.act(s.inputShape(), x, false), tw = f.act(s.weightShape(), w, false);
            plan.forward(0.5f, tx, tw, f.tensor(s.biasShape(), b), -1f, ty);
            plan.backwardWeight(2f, tx, f.act(s.outputShape(), dy, false), 1f, tdw);
            double[] ey = new double[y.length], edw = new double[dw0.length];
            for (int i = 0; i < y.length; i++) ey[i] = 0.5 * y[i] - y0[i];
            for (int i = 0; i < edw.length; i++) edw[i] = 2 * g[1][i] + dw0[i];
            assertClose("alpha/beta forward", ey, f.get(ty), stored(1e-5));
            assertClose("alpha/beta weight gradient", edw, f.get(tdw), tol(1e-5));
        }
    }
}
