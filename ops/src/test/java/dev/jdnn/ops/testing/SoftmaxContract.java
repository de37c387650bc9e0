package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.CrossEntropyPlan;
import dev.jdnn.ops.SoftmaxPlan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.jdnn.ops.testing.Approx.assertClose;

/**
 * Softmax, log-softmax and the fused cross-entropy against float64 references and finite differences, for inputs
 * stored in every dtype ({@link TypedContract#dtypes()}: [N, C] operands have no memory format). Computed in float32
 * from the stored input: y, dy and the loss are float32 (float32 tolerances); dx and dLogits are rounded once to the
 * input's dtype (k = 2, the default). Backend-independent (see {@link BackendContract}).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.jdnn.ops.testing.TypedContract#dtypes")
public abstract class SoftmaxContract extends TypedContract {
    protected static final int N = 7, C = 11;
    protected static final Shape SHAPE = Shape.of(N, C);

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    public void softmaxForwardAndBackward(boolean log) {
        float[] x = stored(Rand.uniform(41, N * C, -4, 4)), r = Rand.uniform(42, N * C);
        double[] expectedY = Reference.softmax(N, C, Rand.toDouble(x), log);
        double[] expectedDx = FiniteDifferences.gradient(Rand.toDouble(x), v -> FiniteDifferences.weightedSum(Reference.softmax(N, C, v, log), r), 1e-6);
        try (var f = fixtures()) {
            for (boolean strided : new boolean[] {false, true}) {
                assertClose("forward", expectedY, f.softmaxForward(SHAPE, log, x, strided), tol(1e-6));
                assertClose("backward", expectedDx, f.softmaxBackward(SHAPE, log, x, r, strided), stored(1e-5));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    public void largeLogitsStayFinite(boolean log) {
        float[] x = stored(Rand.uniform(43, N * C, -4, 4)), shifted = new float[N * C];
        // In bfloat16/float16 a shift of 1000 would round the inputs away, so those take x on a 0.5 grid shifted by 64,
        // which both types store exactly (bfloat16's spacing there is 0.5 at most).
        float shift = isHalf() ? 64f : 1000f;
        if (isHalf()) for (int i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 2) / 2f;
        for (int i = 0; i < x.length; i++) shifted[i] = x[i] + shift;
        // softmax is shift invariant; log-softmax of the shifted input equals that of x
        double[] expected = Reference.softmax(N, C, Rand.toDouble(x), log);
        try (var f = fixtures()) {
            assertClose("shifted by " + shift, expected, f.softmaxForward(SHAPE, log, shifted, false), tol(log ? 1e-4 : 1e-5));
        }
    }

    @Test
    public void softmaxBackwardAlphaBeta() {
        float[] x = stored(Rand.uniform(44, N * C)), dy = Rand.uniform(45, N * C), dx0 = stored(Rand.uniform(46, N * C));
        try (var f = fixtures(); SoftmaxPlan plan = f.backend().softmax(SHAPE, false, type.dtype())) {
            float[] plain = f.softmaxBackward(SHAPE, false, x, dy, false);
            Tensor y = f.output(SHAPE, false), dx = f.act(SHAPE, dx0, false);
            plan.forward(f.act(SHAPE, x, false), y);
            plan.backward(3f, y, f.tensor(SHAPE, dy), -1f, dx);
            double[] expected = new double[N * C];
            for (int i = 0; i < expected.length; i++) expected[i] = 3.0 * plain[i] - dx0[i];
            // plain is a rounded result itself: k = 4 (its rounding times 3, and this one's)
            assertClose("alpha/beta", expected, f.get(dx), stored(1e-6, 4));
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, 0.1f})
    public void crossEntropyLossAndGradient(float smoothing) {
        float[] logits = stored(Rand.uniform(47, N * C, -3, 3));
        int[] labels = Rand.labels(48, N, C);
        double loss = Reference.crossEntropy(N, C, Rand.toDouble(logits), labels, smoothing);
        double[] grad = FiniteDifferences.gradient(Rand.toDouble(logits), v -> 2.5 * Reference.crossEntropy(N, C, v, labels, smoothing), 1e-6);
        try (var f = fixtures()) {
            for (boolean strided : new boolean[] {false, true}) {
                float[][] out = f.crossEntropy(N, C, smoothing, logits, labels, 2.5f, strided);
                assertClose("loss", new double[] {loss}, out[0], tol(1e-6));
                assertClose("dLogits", grad, out[1], stored(1e-5));
            }
        }
    }

    @Test
    public void labelSmoothingMatchesHandComputation() {
        // logits [1, 2, 3], label 0, ε = 0.3, C = 3: target = [0.8, 0.1, 0.1];
        // loss = -Σ target_j (x_j - logZ) with logZ = log(e + e² + e³)
        double logZ = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double expected = -(0.8 * (1 - logZ) + 0.1 * (2 - logZ) + 0.1 * (3 - logZ));
        double[] expectedGrad = new double[3];
        for (int j = 0; j < 3; j++) expectedGrad[j] = Math.exp(j + 1 - logZ) - (j == 0 ? 0.8 : 0.1);
        try (var f = fixtures()) {
            float[][] out = f.crossEntropy(1, 3, 0.3f, new float[] {1, 2, 3}, new int[] {0}, 1f, false);
            assertClose("smoothed loss", new double[] {expected}, out[0], tol(1e-6));
            assertClose("smoothed gradient", expectedGrad, out[1], stored(1e-6));
        }
    }

    @Test
    public void crossEntropyAccumulatesWithBetaAndSkipsNullGradient() {
        float[] logits = stored(Rand.uniform(49, N * C)), d0 = stored(Rand.uniform(50, N * C));
        int[] labels = Rand.labels(51, N, C);
        try (var f = fixtures(); CrossEntropyPlan plan = f.backend().crossEntropy(N, C, 0f, type.dtype())) {
            float[] plain = f.crossEntropy(N, C, 0f, logits, labels, 1f, false)[1];
            Tensor x = f.act(SHAPE, logits, false), l = f.ints(Shape.of(N), labels), loss = f.output(Shape.of(1), false), d = f.act(SHAPE, d0, false);
            plan.forwardBackward(x, l, loss, 1f, 1f, d);
            double[] expected = new double[N * C];
            for (int i = 0; i < expected.length; i++) expected[i] = plain[i] + d0[i];
            assertClose("accumulated dLogits", expected, f.get(d), stored(1e-6, 3));
            Tensor float32Gradient = f.output(SHAPE, false);
            plan.forwardBackward(x, l, loss, 1f, 0f, float32Gradient); // a float32 dLogits, for loss scaling, is never rounded
            assertClose("float32 dLogits", FiniteDifferences.gradient(Rand.toDouble(logits), v -> Reference.crossEntropy(N, C, v, labels, 0), 1e-6),
                    f.get(float32Gradient), tol(1e-5));
            plan.forwardBackward(x, l, loss, 1f, 0f, null);
            assertClose("loss without gradient", new double[] {Reference.crossEntropy(N, C, Rand.toDouble(logits), labels, 0)}, f.get(loss), tol(1e-6));
        }
    }
}
