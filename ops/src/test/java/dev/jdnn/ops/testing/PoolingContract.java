package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.PoolPlan;
import dev.jdnn.ops.PoolSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pooling against the float64 PyTorch-rule reference and its finite-difference gradient, in every operand type
 * ({@link TypedContract}). Backend-independent (see {@link BackendContract}). Half precision: inputs are distinct
 * stored values (max pooling must not see ties); results are rounded once (k = 2, the default).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.jdnn.ops.testing.TypedContract#operandTypes")
public abstract class PoolingContract extends TypedContract {
    static Stream<PoolSpec> specs() {
        Stream.Builder<PoolSpec> b = Stream.builder();
        for (boolean ceil : new boolean[] {false, true}) {
            b.add(PoolSpec.max(NCHW, 3, 2, 1, ceil));
            b.add(PoolSpec.avg(NCHW, 3, 2, 1, ceil, true));
            b.add(PoolSpec.avg(NCHW, 3, 2, 1, ceil, false));
            // 2x2 stride 2 on 7x9 in ceil mode: the last window hangs past input + padding (divisor clipped)
            b.add(PoolSpec.avg(NCHW, 2, 2, 0, ceil, true));
            b.add(PoolSpec.max(NCHW, 2, 2, 0, ceil));
            // non-square kernel, stride and padding
            b.add(new PoolSpec(PoolSpec.Mode.AVG_INCLUDE_PAD, NCHW, 3, 2, 2, 1, 1, 1, ceil, 0, 0));
        }
        b.add(PoolSpec.adaptiveAvg(NCHW, 3, 4));
        b.add(PoolSpec.adaptiveAvg(NCHW, 5, 2));
        b.add(PoolSpec.adaptiveAvg(NCHW, 9, 11)); // more cells than input: overlapping one-pixel cells
        b.add(PoolSpec.adaptiveAvg(NCHW, 1, 1)); // global average
        return b.build();
    }

    @ParameterizedTest
    @MethodSource("specs")
    public void forwardAndBackwardMatchReference(PoolSpec spec) {
        float[] x = distinctStored(11, (int) NCHW.numel());
        float[] r = stored(Rand.uniform(12, (int) spec.outputShape().numel()));
        double[] expectedY = Reference.pool(spec, Rand.toDouble(x));
        double[] expectedDx = FiniteDifferences.gradient(Rand.toDouble(x), v -> FiniteDifferences.weightedSum(Reference.pool(spec, v), r), 1e-7);
        try (var f = fixtures()) {
            for (boolean strided : new boolean[] {false, true}) {
                assertClose(spec + " forward, strided=" + strided, expectedY, f.poolForward(spec, x, strided), stored(1e-6));
                assertClose(spec + " backward, strided=" + strided, expectedDx, f.poolBackward(spec, x, r, strided), stored(1e-5));
            }
        }
    }

    @Test
    public void ceilModeIncludePadDividesByWindowClippedToPaddedInput() {
        // 1x1x3x3 input, 2x2 windows, stride 2, ceil mode: output 2x2; the bottom-right window holds only x[2,2]
        // and PyTorch divides it by 1 (the window clipped to input + padding), not by 4.
        Shape in = Shape.of(1, 1, 3, 3);
        PoolSpec spec = PoolSpec.avg(in, 2, 2, 0, true, true);
        assertEquals(Shape.of(1, 1, 2, 2), spec.outputShape());
        try (var f = fixtures()) {
            float[] y = f.poolForward(spec, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, false);
            assertClose("clipped divisors", new double[] {3, 4.5, 7.5, 9}, y, tol(1e-7)); // exact in every dtype
        }
    }

    @Test
    public void maxBackwardSendsGradientToFirstOfTiedMaxima() {
        PoolSpec spec = PoolSpec.max(Shape.of(1, 1, 2, 2), 2, 2, 0, false);
        try (var f = fixtures()) {
            float[] dx = f.poolBackward(spec, new float[] {1, 5, 5, 5}, new float[] {2}, false);
            assertClose("tie goes to the first maximum", new double[] {0, 2, 0, 0}, dx, 0);
        }
    }

    @Test
    public void alphaBetaScaleAndAccumulate() {
        PoolSpec spec = PoolSpec.avg(NCHW, 3, 2, 1, false, true);
        float[] x = stored(Rand.uniform(1, (int) NCHW.numel()));
        int outN = (int) spec.outputShape().numel(), inN = (int) NCHW.numel();
        float[] y0 = stored(Rand.uniform(2, outN)), dy = stored(Rand.uniform(3, outN)), dx0 = stored(Rand.uniform(4, inN));
        double[] pooled = Reference.pool(spec, Rand.toDouble(x));
        double[] grad = FiniteDifferences.gradient(Rand.toDouble(x), v -> FiniteDifferences.weightedSum(Reference.pool(spec, v), dy), 1e-3);
        double[] expectedY = new double[outN], expectedDx = new double[inN];
        for (int i = 0; i < outN; i++) expectedY[i] = 2 * pooled[i] + 0.5 * y0[i];
        for (int i = 0; i < inN; i++) expectedDx[i] = -1.5 * grad[i] + 1 * dx0[i];
        try (var f = fixtures(); PoolPlan plan = f.backend().pool(spec.with(type))) {
            Tensor tx = f.act(NCHW, x, true), y = f.act(spec.outputShape(), y0, true), dx = f.act(NCHW, dx0, true);
            plan.forward(2f, tx, 0.5f, y);
            plan.backward(-1.5f, tx, y, f.act(spec.outputShape(), dy, true), 1f, dx);
            assertClose("alpha/beta forward", expectedY, f.get(y), stored(1e-6));
            assertClose("alpha/beta backward", expectedDx, f.get(dx), stored(1e-5));
            assertTrue(f.paddingIntact(y) && f.paddingIntact(dx), "wrote outside the batch-strided views");
        }
    }
}
