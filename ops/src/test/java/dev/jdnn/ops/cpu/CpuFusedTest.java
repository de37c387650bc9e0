package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.BnBackwardSpec;
import dev.jdnn.ops.BnFinalizeSpec;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.ConvBiasActivationSpec;
import dev.jdnn.ops.ConvStatsSpec;
import dev.jdnn.ops.DgradDreluSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.testing.FusedFixtures;
import dev.jdnn.ops.testing.Rand;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The CPU's fused patterns — the reference the CUDA fused plans are compared against — checked two ways: each plan
 * against a float64 evaluation of its spec's formula, and chains of them (a ResNet-style conv-BN-ReLU-conv block,
 * forward and backward) against the same block run with the unfused CPU ops.
 */
class CpuFusedTest {
    private final CpuBackend backend = new CpuBackend();

    /** A plain 3x3 convolution and a grouped, strided, rectangular one. */
    private static final List<Conv2dSpec> CONVS = List.of(
            new Conv2dSpec(2, 4, 6, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, false),
            new Conv2dSpec(3, 4, 9, 8, 6, 3, 1, 2, 1, 1, 0, 1, 1, 2, false));

    private static int numel(Shape s) {
        return Math.toIntExact(s.numel());
    }

    private static Conv2dSpec withBias(Conv2dSpec s) {
        return new Conv2dSpec(s.batch(), s.inChannels(), s.height(), s.width(), s.outChannels(), s.kernelH(), s.kernelW(),
                s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW(), s.groups(), true);
    }

    /** relu(x * scale[c] + bias[c]) in double, NCHW. */
    private static double[] scaleBiasRelu(Shape s, float[] x, float[] scale, float[] bias, boolean relu) {
        int c = s.dim(1), hw = s.dim(2) * s.dim(3);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / hw) % c;
            double v = (double) x[i] * scale[ch] + bias[ch];
            out[i] = relu ? Math.max(0, v) : v;
        }
        return out;
    }

    /** {Σ y, Σ y²} per channel, in double. */
    private static double[][] channelSums(Shape s, double[] y) {
        int c = s.dim(1), hw = s.dim(2) * s.dim(3);
        double[] sum = new double[c], sq = new double[c];
        for (int i = 0; i < y.length; i++) {
            int ch = (i / hw) % c;
            sum[ch] += y[i];
            sq[ch] += y[i] * y[i];
        }
        return new double[][]{sum, sq};
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    // ---- each pattern against its formula in float64 --------------------------------------------------------------

    @Test
    void convBiasActivationIsConvPlusBiasThenTheActivation() {
        for (Conv2dSpec base : CONVS) {
            for (boolean bias : new boolean[]{false, true}) {
                for (Activation act : new Activation[]{Activation.IDENTITY, Activation.RELU}) {
                    Conv2dSpec conv = bias ? withBias(base) : base;
                    float[] x = Rand.uniform(1, numel(conv.inputShape())), w = Rand.uniform(2, numel(conv.weightShape()));
                    float[] b = bias ? Rand.uniform(3, conv.outChannels()) : null;
                    double[] expected = CpuConv2dTest.forward(conv, Rand.toDouble(x), Rand.toDouble(w), b == null ? null : Rand.toDouble(b));
                    if (act == Activation.RELU) for (int i = 0; i < expected.length; i++) expected[i] = Math.max(0, expected[i]);
                    try (var f = new FusedFixtures(backend); var plan = backend.fuse(ConvBiasActivationSpec.of(conv, act)).plan()) {
                        assertClose(plan.spec().describe(), expected, f.convBiasActivation(plan, x, w, b), 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void convStatsIsTheConvolutionOfTheOptionallyScaledBiasedReluInputAndItsChannelSums() {
        for (Conv2dSpec conv : CONVS) {
            for (boolean prologue : new boolean[]{false, true}) {
                float[] x = Rand.gaussian(4, numel(conv.inputShape()), 0.3, 1), w = Rand.uniform(5, numel(conv.weightShape()));
                float[] scale = prologue ? Rand.uniform(6, conv.inChannels(), 0.5, 2) : null, bias = prologue ? Rand.uniform(7, conv.inChannels()) : null;
                double[] input = prologue ? scaleBiasRelu(conv.inputShape(), x, scale, bias, true) : Rand.toDouble(x);
                double[] y = CpuConv2dTest.forward(conv, input, Rand.toDouble(w), null);
                double[][] sums = channelSums(conv.outputShape(), y);
                try (var f = new FusedFixtures(backend); var plan = backend.fuse(ConvStatsSpec.of(conv, prologue)).plan()) {
                    FusedFixtures.ConvStats r = f.convStats(plan, x, scale, bias, w);
                    String what = plan.spec().describe();
                    assertClose(what + " y", y, r.y(), 1e-5);
                    assertClose(what + " sum", sums[0], r.sum(), 1e-5);
                    assertClose(what + " sqSum", sums[1], r.sqSum(), 1e-5);
                }
            }
        }
    }

    @Test
    void bnFinalizeFollowsItsFormulas() {
        int c = 7;
        long count = 96;
        float[] mean = Rand.uniform(8, c, -2, 2), var = Rand.uniform(9, c, 0.1, 3);
        float[] sum = new float[c], sq = new float[c];
        for (int i = 0; i < c; i++) {
            sum[i] = (float) (mean[i] * count);
            sq[i] = (float) ((var[i] + (double) mean[i] * mean[i]) * count);
        }
        float[] gamma = Rand.uniform(10, c, 0.5, 1.5), beta = Rand.uniform(11, c), rm = Rand.uniform(12, c), rv = Rand.uniform(13, c, 0.5, 2);
        BnFinalizeSpec spec = new BnFinalizeSpec(c, count, 1e-3, 0.2);
        double[] eMean = new double[c], eInv = new double[c], eScale = new double[c], eBias = new double[c], eRm = new double[c], eRv = new double[c];
        for (int i = 0; i < c; i++) {
            double m = (double) sum[i] / count, v = (double) sq[i] / count - m * m;
            eMean[i] = m;
            eInv[i] = 1 / Math.sqrt(v + 1e-3);
            eScale[i] = gamma[i] * eInv[i];
            eBias[i] = beta[i] - m * eScale[i];
            eRm[i] = 0.8 * rm[i] + 0.2 * m;
            eRv[i] = 0.8 * rv[i] + 0.2 * v * count / (count - 1);
        }
        try (var f = new FusedFixtures(backend); var plan = backend.fuse(spec).plan()) {
            FusedFixtures.BnFinalize r = f.bnFinalize(plan, sum, sq, gamma, beta, rm, rv);
            assertClose("saveMean", eMean, r.saveMean(), 1e-6);
            assertClose("saveInvStd", eInv, r.saveInvStd(), 1e-6);
            assertClose("eqScale", eScale, r.eqScale(), 1e-6);
            assertClose("eqBias", eBias, r.eqBias(), 1e-6);
            assertClose("runningMean", eRm, r.runningMean(), 1e-6);
            assertClose("runningVar", eRv, r.runningVar(), 1e-6);
        }
    }

    @Test
    void aVarianceRoundedBelowZeroCountsAsZero() {
        // sqSum/M - mean² = 1e6 - (1000 + tiny)² < 0 in any precision: the variance is 0, invStd 1/sqrt(eps).
        try (var f = new FusedFixtures(backend); var plan = backend.fuse(new BnFinalizeSpec(1, 4, 1e-4, 0.1)).plan()) {
            FusedFixtures.BnFinalize r = f.bnFinalize(plan, new float[]{4000.01f}, new float[]{4e6f}, new float[]{1}, new float[]{0}, new float[]{0}, new float[]{1});
            assertEquals(100f, r.saveInvStd()[0], 1e-3f);
            assertEquals(0.9f, r.runningVar()[0], 1e-6f);
        }
    }

    @Test
    void dgradDreluIsTheInputGradientMaskedWhereTheReluInputIsNotPositive() {
        for (Conv2dSpec conv : CONVS) {
            for (boolean fromScaleBias : new boolean[]{false, true}) {
                float[] dy = Rand.uniform(14, numel(conv.outputShape())), w = Rand.uniform(15, numel(conv.weightShape()));
                float[] r = Rand.gaussian(16, numel(conv.inputShape()), 0.1, 1);
                float[] scale = fromScaleBias ? Rand.uniform(17, conv.inChannels(), -1.5, 1.5) : null, bias = fromScaleBias ? Rand.uniform(18, conv.inChannels()) : null;
                double[] reluIn = fromScaleBias ? scaleBiasRelu(conv.inputShape(), r, scale, bias, false) : Rand.toDouble(r);
                double[] dx = CpuConv2dTest.adjoint(conv, new double[numel(conv.inputShape())], Rand.toDouble(w), Rand.toDouble(dy))[0];
                int masked = 0;
                for (int i = 0; i < dx.length; i++) if (!(reluIn[i] > 0)) { dx[i] = 0; masked++; }
                assertTrue(masked > dx.length / 5 && masked < dx.length * 4 / 5, "the data must exercise both sides of the mask: " + masked + " of " + dx.length);
                try (var f = new FusedFixtures(backend); var plan = backend.fuse(DgradDreluSpec.of(conv, fromScaleBias)).plan()) {
                    assertClose(plan.spec().describe(), dx, f.dgradDrelu(plan, dy, w, r, scale, bias), 1e-5);
                }
            }
        }
    }

    @Test
    void bnBackwardFollowsTheBatchNormGradientFormulas() {
        BatchNormSpec bn = new BatchNormSpec(Shape.of(3, 5, 4, 6), 1e-5, 0.1);
        int n = 3, c = 5, hw = 24, m = n * hw;
        float[] x = Rand.gaussian(19, numel(bn.shape()), 0.5, 2), dy = Rand.uniform(20, numel(bn.shape())), gamma = Rand.uniform(21, c, 0.5, 1.5);
        double[][] stats = dev.jdnn.ops.testing.Reference.batchStats(n, c, hw, Rand.toDouble(x));
        float[] mean = new float[c], invStd = new float[c];
        for (int i = 0; i < c; i++) {
            mean[i] = (float) stats[0][i];
            invStd[i] = (float) (1 / Math.sqrt(stats[1][i] + 1e-5));
        }
        double[] dgamma = new double[c], dbeta = new double[c], dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / hw) % c;
            dbeta[ch] += dy[i];
            dgamma[ch] += dy[i] * ((double) x[i] - mean[ch]) * invStd[ch];
        }
        for (int i = 0; i < x.length; i++) {
            int ch = (i / hw) % c;
            double xhat = ((double) x[i] - mean[ch]) * invStd[ch];
            dx[i] = gamma[ch] * invStd[ch] * (dy[i] - dbeta[ch] / m - xhat * dgamma[ch] / m);
        }
        try (var f = new FusedFixtures(backend); var plan = backend.fuse(BnBackwardSpec.of(bn)).plan()) {
            FusedFixtures.BnBackward r = f.bnBackward(plan, x, dy, gamma, mean, invStd);
            assertClose("dx", dx, r.dx(), 1e-5);
            assertClose("dgamma", dgamma, r.dgamma(), 1e-5);
            assertClose("dbeta", dbeta, r.dbeta(), 1e-5);
        }
    }

    // ---- a ResNet-style block: the fused chain against the unfused ops --------------------------------------------

    /**
     * conv1 -> BN -> ReLU -> conv2, forward and backward. Fused: ConvStats(conv1), BnFinalize, ConvStats(conv2 with the
     * BN applied as scale-bias-relu to its input); backward DgradDrelu(conv2, the ReLU input recomputed from conv1's
     * output), BnBackward. Unfused: Conv2dPlan, BatchNormPlan, ActivationPlan.
     */
    @Test
    void aFusedConvBnReluConvBlockMatchesTheUnfusedOps() {
        Conv2dSpec c1 = new Conv2dSpec(2, 4, 6, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, false);
        Conv2dSpec c2 = new Conv2dSpec(2, 5, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, false);
        BatchNormSpec bnSpec = new BatchNormSpec(c1.outputShape(), 1e-5, 0.1);
        float[] x = Rand.gaussian(30, numel(c1.inputShape()), 0, 1), w1 = Rand.uniform(31, numel(c1.weightShape()), -0.3, 0.3);
        float[] w2 = Rand.uniform(32, numel(c2.weightShape()), -0.3, 0.3), dy2 = Rand.uniform(33, numel(c2.outputShape()));
        float[] gamma = Rand.uniform(34, 5, 0.5, 1.5), beta = Rand.uniform(35, 5), rm0 = Rand.uniform(36, 5), rv0 = Rand.uniform(37, 5, 0.5, 2);

        // Unfused.
        float[] y1, z1Mean, z1InvStd, rm, rv, y2, dx1, dgamma, dbeta;
        try (Conv2dPlan conv1 = backend.conv2d(c1); Conv2dPlan conv2 = backend.conv2d(c2); BatchNormPlan bn = backend.batchNorm(bnSpec);
             ActivationPlan relu = backend.activation(Activation.RELU, 0, c1.outputShape());
             Tensor tx = Tensor.ofHost(c1.inputShape(), x); Tensor tw1 = Tensor.ofHost(c1.weightShape(), w1); Tensor tw2 = Tensor.ofHost(c2.weightShape(), w2);
             Tensor ty1 = Tensor.zerosHost(c1.outputShape()); Tensor tz1 = Tensor.zerosHost(c1.outputShape()); Tensor ta1 = Tensor.zerosHost(c1.outputShape());
             Tensor ty2 = Tensor.zerosHost(c2.outputShape()); Tensor tg = Tensor.ofHost(Shape.of(5), gamma); Tensor tb = Tensor.ofHost(Shape.of(5), beta);
             Tensor trm = Tensor.ofHost(Shape.of(5), rm0); Tensor trv = Tensor.ofHost(Shape.of(5), rv0);
             Tensor tMean = Tensor.zerosHost(Shape.of(5)); Tensor tInv = Tensor.zerosHost(Shape.of(5));
             Tensor tdy2 = Tensor.ofHost(c2.outputShape(), dy2); Tensor tda1 = Tensor.zerosHost(c1.outputShape()); Tensor tdz1 = Tensor.zerosHost(c1.outputShape());
             Tensor tdx1 = Tensor.zerosHost(c1.outputShape()); Tensor tdg = Tensor.zerosHost(Shape.of(5)); Tensor tdb = Tensor.zerosHost(Shape.of(5))) {
            conv1.forward(1, tx, tw1, null, 0, ty1, null);
            bn.forwardTraining(ty1, tg, tb, tz1, trm, trv, tMean, tInv);
            relu.forward(1, tz1, 0, ta1);
            conv2.forward(1, ta1, tw2, null, 0, ty2, null);
            conv2.backwardData(1, tdy2, tw2, 0, tda1, null);
            relu.backward(1, tz1, ta1, tda1, 0, tdz1);
            bn.backward(1, 0, 1, 0, ty1, tdz1, tg, tdx1, tdg, tdb, tMean, tInv);
            y1 = ty1.toFloatArray(); z1Mean = tMean.toFloatArray(); z1InvStd = tInv.toFloatArray(); rm = trm.toFloatArray(); rv = trv.toFloatArray();
            y2 = ty2.toFloatArray(); dx1 = tdx1.toFloatArray(); dgamma = tdg.toFloatArray(); dbeta = tdb.toFloatArray();
        }

        // Fused.
        try (var f = new FusedFixtures(backend);
             var stats1 = backend.fuse(ConvStatsSpec.of(c1, false)).plan(); var finalize = backend.fuse(BnFinalizeSpec.of(bnSpec)).plan();
             var stats2 = backend.fuse(ConvStatsSpec.of(c2, true)).plan(); var dgrad = backend.fuse(DgradDreluSpec.of(c2, true)).plan();
             var dbn = backend.fuse(BnBackwardSpec.of(bnSpec)).plan()) {
            FusedFixtures.ConvStats s1 = f.convStats(stats1, x, null, null, w1);
            assertArrayEquals(y1, s1.y(), "the same convolution");
            FusedFixtures.BnFinalize fin = f.bnFinalize(finalize, s1.sum(), s1.sqSum(), gamma, beta, rm0, rv0);
            assertClose("saveMean", z1Mean, fin.saveMean(), 1e-5);
            assertClose("saveInvStd", z1InvStd, fin.saveInvStd(), 1e-5);
            assertClose("runningMean", rm, fin.runningMean(), 1e-5);
            assertClose("runningVar", rv, fin.runningVar(), 1e-5);
            FusedFixtures.ConvStats s2 = f.convStats(stats2, s1.y(), fin.eqScale(), fin.eqBias(), w2);
            assertClose("conv2 output", y2, s2.y(), 1e-5);
            double[][] sums2 = channelSums(c2.outputShape(), Rand.toDouble(y2));
            assertClose("conv2 sum", sums2[0], s2.sum(), 1e-5);
            assertClose("conv2 sqSum", sums2[1], s2.sqSum(), 1e-5);

            float[] dz1 = f.dgradDrelu(dgrad, dy2, w2, s1.y(), fin.eqScale(), fin.eqBias());
            FusedFixtures.BnBackward b = f.bnBackward(dbn, s1.y(), dz1, gamma, fin.saveMean(), fin.saveInvStd());
            assertClose("dx of conv1's output", dx1, b.dx(), 1e-4);
            assertClose("dgamma", dgamma, b.dgamma(), 1e-4);
            assertClose("dbeta", dbeta, b.dbeta(), 1e-4);
        }
    }

    // ---- what the CPU does not fuse, and bad input ----------------------------------------------------------------

    @Test
    void otherDtypesAndLayoutsAreReportedAsUnsupportedOperands() {
        ConvBiasActivationSpec spec = ConvBiasActivationSpec.of(CONVS.getFirst(), Activation.RELU);
        for (var other : List.of(spec.with(DType.BFLOAT16, MemoryFormat.NCHW), spec.with(DType.FLOAT32, MemoryFormat.NHWC), spec.with(DType.FLOAT16, MemoryFormat.NHWC))) {
            Fusion<?> r = backend.fuse(other);
            assertFalse(r.isFused());
            Fusion.Unfused<?> u = assertInstanceOf(Fusion.Unfused.class, r);
            assertEquals(Fusion.Reason.OPERANDS_UNSUPPORTED, u.reason());
            IllegalStateException e = assertThrows(IllegalStateException.class, r::plan);
            assertTrue(e.getMessage().contains(other.describe()) && e.getMessage().contains("operands unsupported"), e.getMessage());
        }
        assertTrue(backend.fuse(spec).isFused());
        assertTrue(backend.fuse(spec).describe().startsWith("fused: CPU"), backend.fuse(spec).describe());
    }

    @Test
    void operandsThatDoNotFitThePatternAreNamed() {
        Conv2dSpec conv = CONVS.getFirst();
        try (var f = new FusedFixtures(backend); var plan = backend.fuse(ConvBiasActivationSpec.of(conv, Activation.RELU)).plan();
             var stats = backend.fuse(ConvStatsSpec.of(conv, false)).plan()) {
            float[] x = new float[numel(conv.inputShape())], w = new float[numel(conv.weightShape())];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.convBiasActivation(plan, x, w, new float[conv.outChannels()]));
            assertTrue(e.getMessage().contains("bias must be null"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.convStats(stats, x, new float[4], new float[4], w));
            assertTrue(e.getMessage().contains("scale and bias must be null"), e.getMessage());
        }
        try (var stats = backend.fuse(ConvStatsSpec.of(conv, false)).plan(); Tensor wrong = Tensor.zerosHost(conv.outputShape());
             Tensor w = Tensor.zerosHost(conv.weightShape()); Tensor y = Tensor.zerosHost(conv.outputShape());
             Tensor sum = Tensor.zerosHost(Shape.of(conv.outChannels())); Tensor sq = Tensor.zerosHost(Shape.of(conv.outChannels()))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> stats.forward(wrong, null, null, w, y, sum, sq, null));
            assertEquals("conv2d input: expected shape " + conv.inputShape() + ", got " + conv.outputShape(), e.getMessage());
        }
    }
}
