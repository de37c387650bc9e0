package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HalfFloats;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.BnBackwardSpec;
import dev.jdnn.ops.BnFinalizeSpec;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.ConvBiasActivationPlan;
import dev.jdnn.ops.ConvBiasActivationSpec;
import dev.jdnn.ops.ConvStatsSpec;
import dev.jdnn.ops.DgradDreluSpec;
import dev.jdnn.ops.FusedPlan;
import dev.jdnn.ops.FusedSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.Recording;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.ops.testing.FusedFixtures;
import dev.jdnn.ops.testing.Rand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each fused CUDA plan against the CPU's fused plan (the composition of its unfused ops) on the same inputs — rounded to
 * the CUDA operands' dtype first, so only the computation is compared — in every operand format the plans take.
 * A pattern cuDNN does not fuse for a format skips that case with the reason {@link Backend#fuse} gave; the fusion
 * status of the whole matrix is what the GPU session reports. Tolerances, on max|cuda - cpu| / max|cpu|:
 * <ul>
 *   <li>float32, strict FP32 (FMA math): 1e-4 (cuDNN's reductions and algorithms round differently);</li>
 *   <li>float32 with TF32 tensor cores: 1e-2 (a 10-bit mantissa per product, as the unfused convolutions);</li>
 *   <li>float16 operands: 1e-2; bfloat16 operands: 3e-2 (outputs and the convolution input after the fused
 *       scale-bias-ReLU are rounded to 11 / 8 significant bits; float32 accumulation);</li>
 *   <li>batch-norm finalisation (float32 vectors only): 1e-4.</li>
 * </ul>
 * Engines are taken from the heuristics untimed here (autotuning every case would not fit a GPU session);
 * {@link #autotunedChoicesAreStoredAndReusedByTheNextBackend} covers autotuning and the engine cache.
 */
@Tag("gpu")
class CudaFusedParityTest {
    private static final CpuBackend cpu = new CpuBackend();
    private static CudaBackend strict, tf32;

    record Format(String name, DType dtype, MemoryFormat layout, boolean strictFp32, double tolerance) {
        @Override public String toString() { return name; }
    }

    static List<Format> formats() {
        return List.of(new Format("fp32 nchw strict", DType.FLOAT32, MemoryFormat.NCHW, true, 1e-4),
                new Format("fp32 nchw tf32", DType.FLOAT32, MemoryFormat.NCHW, false, 1e-2),
                new Format("fp32 nhwc tf32", DType.FLOAT32, MemoryFormat.NHWC, false, 1e-2),
                new Format("fp16 nhwc", DType.FLOAT16, MemoryFormat.NHWC, false, 1e-2),
                new Format("bf16 nhwc", DType.BFLOAT16, MemoryFormat.NHWC, false, 3e-2),
                new Format("bf16 nchw", DType.BFLOAT16, MemoryFormat.NCHW, false, 3e-2));
    }

    /** Heuristics' choices, untimed; no engine cache on disk. */
    private static CudaBackend.Options untimed(boolean strictFp32) {
        CudaBackend.Options d = CudaBackend.Options.defaults();
        return new CudaBackend.Options(strictFp32, false, d.workspaceLimit(), d.kernelCacheDir(), null);
    }

    @BeforeAll
    static void start() {
        if (!CudaBackend.isAvailable()) return;
        strict = CudaBackend.create(0, untimed(true));
        tf32 = CudaBackend.create(0, untimed(false));
    }

    @AfterAll
    static void stop() {
        if (strict != null) strict.close();
        if (tf32 != null) tf32.close();
    }

    @BeforeEach
    void requireGpu() {
        GpuTests.assumeGpu();
    }

    private static final Conv2dSpec CONV = new Conv2dSpec(4, 32, 10, 10, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, false);
    private static final Conv2dSpec CONV_BIAS = new Conv2dSpec(4, 32, 10, 10, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);
    private static final BatchNormSpec BN = new BatchNormSpec(Shape.of(4, 64, 10, 10), 1e-5, 0.1);

    private static int numel(Shape s) {
        return Math.toIntExact(s.numel());
    }

    /** The CUDA plan for {@code spec}, or a skip naming why cuDNN did not fuse it. */
    private static <P extends FusedPlan> P fusedOrSkip(Format f, FusedSpec<P> spec) {
        Fusion<P> fusion = (f.strictFp32() ? strict : tf32).fuse(spec);
        System.out.println("[fusion] " + f + " | " + spec.describe() + " | " + fusion.describe());
        assumeTrue(fusion.isFused(), () -> spec.describe() + " " + fusion.describe());
        return fusion.plan();
    }

    private static <P extends FusedPlan> P cpuPlan(FusedSpec<P> spec) {
        return cpu.fuse(spec).plan();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void convBiasRelu(Format f) {
        var spec = ConvBiasActivationSpec.of(CONV_BIAS, Activation.RELU).with(f.dtype(), f.layout());
        float[] x = HalfFloats.quantize(f.dtype(), Rand.uniform(1, numel(CONV.inputShape())));
        float[] w = HalfFloats.quantize(f.dtype(), Rand.uniform(2, numel(CONV.weightShape()), -0.2, 0.2));
        float[] b = Rand.uniform(3, 64, -0.5, 0.5);
        try (var plan = fusedOrSkip(f, spec); var ref = cpuPlan(ConvBiasActivationSpec.of(CONV_BIAS, Activation.RELU));
             var g = new FusedFixtures(f.strictFp32() ? strict : tf32); var c = new FusedFixtures(cpu)) {
            assertClose(spec.describe(), Rand.toDouble(c.convBiasActivation(ref, x, w, b)), g.convBiasActivation(plan, x, w, b), f.tolerance());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void convStats(Format f) {
        checkConvStats(f, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void scaleBiasReluConvStats(Format f) {
        checkConvStats(f, true);
    }

    private static void checkConvStats(Format f, boolean prologue) {
        var spec = ConvStatsSpec.of(CONV, prologue).with(f.dtype(), f.layout());
        float[] x = HalfFloats.quantize(f.dtype(), Rand.gaussian(4, numel(CONV.inputShape()), 0.2, 1));
        float[] w = HalfFloats.quantize(f.dtype(), Rand.uniform(5, numel(CONV.weightShape()), -0.2, 0.2));
        float[] scale = prologue ? Rand.uniform(6, 32, 0.5, 1.5) : null, bias = prologue ? Rand.uniform(7, 32, -0.5, 0.5) : null;
        try (var plan = fusedOrSkip(f, spec); var ref = cpuPlan(ConvStatsSpec.of(CONV, prologue));
             var g = new FusedFixtures(f.strictFp32() ? strict : tf32); var c = new FusedFixtures(cpu)) {
            FusedFixtures.ConvStats expected = c.convStats(ref, x, scale, bias, w), actual = g.convStats(plan, x, scale, bias, w);
            assertClose(spec.describe() + " y", Rand.toDouble(expected.y()), actual.y(), f.tolerance());
            assertClose(spec.describe() + " sum", Rand.toDouble(expected.sum()), actual.sum(), f.tolerance());
            assertClose(spec.describe() + " sqSum", Rand.toDouble(expected.sqSum()), actual.sqSum(), f.tolerance());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void dgradDrelu(Format f) {
        checkDgradDrelu(f, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void dgradScaleBiasDrelu(Format f) {
        checkDgradDrelu(f, true);
    }

    private static void checkDgradDrelu(Format f, boolean fromScaleBias) {
        var spec = DgradDreluSpec.of(CONV, fromScaleBias).with(f.dtype(), f.layout());
        float[] dy = HalfFloats.quantize(f.dtype(), Rand.uniform(8, numel(CONV.outputShape())));
        float[] w = HalfFloats.quantize(f.dtype(), Rand.uniform(9, numel(CONV.weightShape()), -0.2, 0.2));
        float[] r = HalfFloats.quantize(f.dtype(), Rand.gaussian(10, numel(CONV.inputShape()), 0.1, 1));
        float[] scale = fromScaleBias ? Rand.uniform(11, 32, -1.5, 1.5) : null, bias = fromScaleBias ? Rand.uniform(12, 32, -0.5, 0.5) : null;
        try (var plan = fusedOrSkip(f, spec); var ref = cpuPlan(DgradDreluSpec.of(CONV, fromScaleBias));
             var g = new FusedFixtures(f.strictFp32() ? strict : tf32); var c = new FusedFixtures(cpu)) {
            assertClose(spec.describe(), Rand.toDouble(c.dgradDrelu(ref, dy, w, r, scale, bias)), g.dgradDrelu(plan, dy, w, r, scale, bias), f.tolerance());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void bnBackward(Format f) {
        var spec = BnBackwardSpec.of(BN).with(f.dtype(), f.layout());
        float[] x = HalfFloats.quantize(f.dtype(), Rand.gaussian(13, numel(BN.shape()), 0.5, 2));
        float[] dy = HalfFloats.quantize(f.dtype(), Rand.uniform(14, numel(BN.shape())));
        float[] gamma = Rand.uniform(15, 64, 0.5, 1.5), mean = Rand.uniform(16, 64, 0.3, 0.7), invStd = Rand.uniform(17, 64, 0.3, 0.7);
        try (var plan = fusedOrSkip(f, spec); var ref = cpuPlan(BnBackwardSpec.of(BN));
             var g = new FusedFixtures(f.strictFp32() ? strict : tf32); var c = new FusedFixtures(cpu)) {
            FusedFixtures.BnBackward expected = c.bnBackward(ref, x, dy, gamma, mean, invStd), actual = g.bnBackward(plan, x, dy, gamma, mean, invStd);
            assertClose(spec.describe() + " dx", Rand.toDouble(expected.dx()), actual.dx(), f.tolerance());
            assertClose(spec.describe() + " dgamma", Rand.toDouble(expected.dgamma()), actual.dgamma(), f.tolerance());
            assertClose(spec.describe() + " dbeta", Rand.toDouble(expected.dbeta()), actual.dbeta(), f.tolerance());
        }
    }

    @Test
    void bnFinalize() {
        var spec = new BnFinalizeSpec(64, 400, 1e-5, 0.1);
        float[] mean = Rand.uniform(18, 64, -1, 1), var = Rand.uniform(19, 64, 0.5, 2);
        float[] sum = new float[64], sq = new float[64];
        for (int i = 0; i < 64; i++) {
            sum[i] = mean[i] * 400;
            sq[i] = (float) ((var[i] + (double) mean[i] * mean[i]) * 400);
        }
        float[] gamma = Rand.uniform(20, 64, 0.5, 1.5), beta = Rand.uniform(21, 64), rm = Rand.uniform(22, 64), rv = Rand.uniform(23, 64, 0.5, 2);
        Format f = formats().getFirst();
        try (var plan = fusedOrSkip(f, spec); var ref = cpuPlan(spec); var g = new FusedFixtures(strict); var c = new FusedFixtures(cpu)) {
            FusedFixtures.BnFinalize expected = c.bnFinalize(ref, sum, sq, gamma, beta, rm, rv), actual = g.bnFinalize(plan, sum, sq, gamma, beta, rm, rv);
            assertClose("saveMean", Rand.toDouble(expected.saveMean()), actual.saveMean(), 1e-4);
            assertClose("saveInvStd", Rand.toDouble(expected.saveInvStd()), actual.saveInvStd(), 1e-4);
            assertClose("eqScale", Rand.toDouble(expected.eqScale()), actual.eqScale(), 1e-4);
            assertClose("eqBias", Rand.toDouble(expected.eqBias()), actual.eqBias(), 1e-4);
            assertClose("runningMean", Rand.toDouble(expected.runningMean()), actual.runningMean(), 1e-4);
            assertClose("runningVar (unbiased)", Rand.toDouble(expected.runningVar()), actual.runningVar(), 1e-4);
        }
    }

    /** A fused plan inside a CUDA graph: recorded once, replayed, the same bits as the eager call. */
    @Test
    void aFusedPlanIsRecordedAndReplayedByCudaGraphs() {
        Format f = formats().get(1);
        var spec = ConvBiasActivationSpec.of(CONV_BIAS, Activation.RELU).with(f.dtype(), f.layout());
        try (ConvBiasActivationPlan plan = fusedOrSkip(f, spec); var fx = new FusedFixtures(tf32)) {
            Tensor x = fx.tensor(CONV.inputShape(), Rand.uniform(24, numel(CONV.inputShape())), f.dtype(), f.layout());
            Tensor w = fx.tensor(CONV.weightShape(), Rand.uniform(25, numel(CONV.weightShape())), f.dtype(), f.layout());
            Tensor b = fx.vector(Rand.uniform(26, 64));
            Tensor eager = fx.output(CONV.outputShape(), f.dtype(), f.layout()), replayed = fx.output(CONV.outputShape(), f.dtype(), f.layout());
            plan.forward(x, w, b, eager);
            plan.forward(x, w, b, replayed); // eager once with these pointers before recording them
            tf32.fill(replayed, Float.NaN);
            try (Recording r = tf32.capture(() -> plan.forward(x, w, b, replayed))) {
                assertNotNull(r);
                r.replay();
            }
            assertArrayEquals(fx.read(eager), fx.read(replayed));
        }
    }

    @Test
    void autotunedChoicesAreStoredAndReusedByTheNextBackend(@TempDir Path dir) throws Exception {
        CudaBackend.Options tuned = CudaBackend.Options.defaults().withStrictFp32(false).withConvAlgorithmCacheDir(dir);
        var spec = ConvBiasActivationSpec.of(CONV_BIAS, Activation.RELU).with(DType.FLOAT32, MemoryFormat.NCHW);
        String first, second;
        try (CudaBackend b = CudaBackend.create(0, tuned)) {
            Fusion<ConvBiasActivationPlan> fusion = b.fuse(spec);
            assumeTrue(fusion.isFused(), fusion::describe);
            try (var plan = fusion.plan()) {
                first = plan.implementation();
            }
        }
        try (CudaBackend b = CudaBackend.create(0, tuned); var plan = b.fuse(spec).plan()) {
            second = plan.implementation();
        }
        assertTrue(first.contains("autotuned: fastest of"), first);
        assertTrue(second.contains("autotuned earlier (engine cache)"), second);
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("fused-engines-")), "an engine cache file in " + dir);
        }
    }
}
