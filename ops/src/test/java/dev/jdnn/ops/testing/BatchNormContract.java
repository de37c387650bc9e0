package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batch norm against float64 references: batch statistics, running-stat updates, inference, gradients, in every
 * operand type ({@link TypedContract}). Backend-independent (see {@link BackendContract}).
 *
 * <p>Half precision: the statistics, running statistics and parameter gradients are float32 and keep the float32
 * tolerances (they are computed in float32 from the stored x); y and dx are rounded once (k = 2 for margin on
 * normalised values near the largest).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.jdnn.ops.testing.TypedContract#operandTypes")
public abstract class BatchNormContract extends TypedContract {
    protected static final int N = 3, C = 5, HW = 63, M = N * HW;
    protected static final BatchNormSpec SPEC = new BatchNormSpec(NCHW, 1e-5, 0.1);

    protected float[] x; // stored in the run's dtype: see storeInputs

    @BeforeEach
    public void storeInputs() { // after the run's operand type is injected (field initialisers run before)
        x = stored(Rand.gaussian(1, (int) NCHW.numel(), 0.5, 2));
    }
    protected final float[] gamma = Rand.uniform(2, C, 0.5, 1.5), beta = Rand.uniform(3, C);
    protected final float[] runningMean = Rand.uniform(4, C), runningVar = Rand.uniform(5, C, 0.5, 2);

    @Test
    public void trainingNormalisesWithBatchStatsAndUpdatesRunningStatsWithUnbiasedVariance() {
        double[][] stats = Reference.batchStats(N, C, HW, Rand.toDouble(x));
        double[] mean = stats[0], var = stats[1];
        double[] expectedY = Reference.batchNormTraining(N, C, HW, Rand.toDouble(x), Rand.toDouble(gamma), Rand.toDouble(beta), 1e-5);
        double[] rm = new double[C], rv = new double[C], invStd = new double[C];
        for (int c = 0; c < C; c++) {
            rm[c] = 0.9 * runningMean[c] + 0.1 * mean[c];
            rv[c] = 0.9 * runningVar[c] + 0.1 * var[c] * M / (M - 1); // unbiased
            invStd[c] = 1 / Math.sqrt(var[c] + 1e-5);
        }
        try (var f = fixtures()) {
            for (boolean strided : new boolean[] {false, true}) {
                var r = f.batchNormTraining(SPEC, x, gamma, beta, runningMean, runningVar, strided);
                assertClose("y", expectedY, r.y(), stored(1e-5));
                assertClose("saveMean", mean, r.saveMean(), tol(1e-6));
                assertClose("saveInvStd", invStd, r.saveInvStd(), tol(1e-6));
                assertClose("runningMean", rm, r.runningMean(), tol(1e-6));
                assertClose("runningVar", rv, r.runningVar(), tol(1e-6));
            }
        }
    }

    @Test
    public void inferenceNormalisesWithRunningStats() {
        double[] expected = Reference.normalise(N, C, HW, Rand.toDouble(x), Rand.toDouble(gamma), Rand.toDouble(beta),
                Rand.toDouble(runningMean), Rand.toDouble(runningVar), 1e-5);
        try (var f = fixtures()) {
            assertClose("inference y", expected, f.batchNormInference(SPEC, x, gamma, beta, runningMean, runningVar, false), stored(1e-5));
            assertClose("inference y (strided)", expected, f.batchNormInference(SPEC, x, gamma, beta, runningMean, runningVar, true), stored(1e-5));
        }
    }

    @Test
    public void backwardMatchesFiniteDifferences() {
        float[] r = stored(Rand.uniform(6, (int) NCHW.numel()));
        double[] xd = Rand.toDouble(x), gd = Rand.toDouble(gamma), bd = Rand.toDouble(beta);
        double[] dx = FiniteDifferences.gradient(xd, v -> FiniteDifferences.weightedSum(Reference.batchNormTraining(N, C, HW, v, gd, bd, 1e-5), r), 1e-5);
        double[] dg = FiniteDifferences.gradient(gd, v -> FiniteDifferences.weightedSum(Reference.batchNormTraining(N, C, HW, xd, v, bd, 1e-5), r), 1e-5);
        double[] db = FiniteDifferences.gradient(bd, v -> FiniteDifferences.weightedSum(Reference.batchNormTraining(N, C, HW, xd, gd, v, 1e-5), r), 1e-5);
        try (var f = fixtures()) {
            for (boolean strided : new boolean[] {false, true}) {
                float[][] g = f.batchNormBackward(SPEC, x, gamma, beta, r, strided);
                assertClose("dx, strided=" + strided, dx, g[0], stored(1e-4));
                assertClose("dgamma, strided=" + strided, dg, g[1], tol(1e-5));
                assertClose("dbeta, strided=" + strided, db, g[2], tol(1e-5));
            }
        }
    }

    @Test
    public void backwardScalesWithAlphaAndAccumulatesWithBeta() {
        float[] dy = stored(Rand.uniform(7, (int) NCHW.numel()));
        float[] dx0 = stored(Rand.uniform(8, (int) NCHW.numel())), dg0 = Rand.uniform(9, C), db0 = Rand.uniform(10, C);
        try (var f = fixtures(); BatchNormPlan plan = f.backend().batchNorm(SPEC.with(type))) {
            float[][] plain = f.batchNormBackward(SPEC, x, gamma, beta, dy, false);
            Shape p = SPEC.paramShape();
            Tensor tx = f.act(NCHW, x, true), tg = f.tensor(p, gamma), sm = f.output(p, false), si = f.output(p, false);
            plan.forwardTraining(tx, tg, f.tensor(p, beta), f.actOutput(NCHW, true), f.tensor(p, runningMean), f.tensor(p, runningVar), sm, si);
            Tensor dx = f.act(NCHW, dx0, true), dg = f.tensor(p, dg0), db = f.tensor(p, db0);
            plan.backward(2f, 1f, 0.5f, 1f, tx, f.act(NCHW, dy, true), tg, dx, dg, db, sm, si);
            // plain[0] is itself a rounded result: k = 3 (its rounding, doubled by alpha, and this one's)
            assertClose("dx = 2*op + dx0", combine(2, plain[0], dx0), f.get(dx), stored(1e-5, 3));
            assertClose("dgamma = 0.5*op + dgamma0", combine(0.5, plain[1], dg0), f.get(dg), tol(1e-5));
            assertClose("dbeta = 0.5*op + dbeta0", combine(0.5, plain[2], db0), f.get(db), tol(1e-5));
            assertTrue(f.paddingIntact(dx), "wrote outside the batch-strided dx view");
        }
    }

    /**
     * The graph shares one plan among all nodes with an equal spec: two nodes' training forwards, then their backwards
     * in reverse order, must give each node the gradients it gets from a plan of its own — no state of one node's
     * forward may live in the plan (CUDA: the persistent NHWC kernels' reserve space).
     */
    @Test
    public void onePlanServesSeveralNodes() {
        float[] xB = stored(Rand.gaussian(11, (int) NCHW.numel(), -0.3, 1.5));
        float[] dyA = stored(Rand.uniform(12, (int) NCHW.numel())), dyB = stored(Rand.uniform(13, (int) NCHW.numel()));
        Shape p = SPEC.paramShape();
        try (var f = fixtures(); BatchNormPlan plan = f.backend().batchNorm(SPEC.with(type))) {
            float[][] aloneA = f.batchNormBackward(SPEC, x, gamma, beta, dyA, false);
            float[][] aloneB = f.batchNormBackward(SPEC, xB, gamma, beta, dyB, false);
            Tensor tg = f.tensor(p, gamma), tb = f.tensor(p, beta), xa = f.act(NCHW, x, false), xb = f.act(NCHW, xB, false);
            Tensor smA = f.output(p, false), siA = f.output(p, false), smB = f.output(p, false), siB = f.output(p, false);
            plan.forwardTraining(xa, tg, tb, f.actOutput(NCHW, false), f.tensor(p, runningMean), f.tensor(p, runningVar), smA, siA);
            plan.forwardTraining(xb, tg, tb, f.actOutput(NCHW, false), f.tensor(p, runningMean), f.tensor(p, runningVar), smB, siB);
            Tensor dxA = f.actOutput(NCHW, false), dgA = f.output(p, false), dbA = f.output(p, false);
            Tensor dxB = f.actOutput(NCHW, false), dgB = f.output(p, false), dbB = f.output(p, false);
            plan.backward(1f, 0f, 1f, 0f, xb, f.act(NCHW, dyB, false), tg, dxB, dgB, dbB, smB, siB);
            plan.backward(1f, 0f, 1f, 0f, xa, f.act(NCHW, dyA, false), tg, dxA, dgA, dbA, smA, siA);
            float[][][] shared = {{f.get(dxA), f.get(dgA), f.get(dbA)}, {f.get(dxB), f.get(dgB), f.get(dbB)}};
            float[][][] alone = {aloneA, aloneB};
            for (int node = 0; node < 2; node++) {
                String which = node == 0 ? "node A (its backward after node B's forward)" : "node B";
                assertClose(which + " dx", Rand.toDouble(alone[node][0]), shared[node][0], stored(1e-6));
                assertClose(which + " dgamma", Rand.toDouble(alone[node][1]), shared[node][1], tol(1e-6));
                assertClose(which + " dbeta", Rand.toDouble(alone[node][2]), shared[node][2], tol(1e-6));
            }
        }
    }

    protected static double[] combine(double a, float[] op, float[] old) {
        double[] out = new double[op.length];
        for (int i = 0; i < op.length; i++) out[i] = a * op[i] + old[i];
        return out;
    }
}
