package dev.jdnn.networks.models;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.networks.graph.CompileOptions.Precision;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.LossScaling;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.ops.cuda.CudaBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Mixed precision on the GPU against the CPU backend's emulation of the same semantics: each model compiled NHWC in
 * bf16 or fp16 on CUDA (heuristic algorithms) and on the CPU, the same weights, batch and labels ({@link ZooRun}). The
 * two differ where float32 accumulation orders differ (rarely flipping a half-precision rounding) and where cuDNN's
 * legacy API forces it (a convolution's bias added after rounding, its weight gradient computed in the activation
 * dtype; see CudaConv2d), so both are held to the bounds {@link MixedPrecisionZooTest} holds half precision to against
 * float32 (k unit roundoffs u; for the same reasons deep models only to their evaluation logits and first loss).
 * Measured values are printed ("[mixed-precision]") for the first GPU run to confirm.
 */
@Tag("gpu")
class CudaMixedPrecisionTest {
    private static final Backend CPU = new CpuBackend();
    private static CudaBackend cuda;

    @BeforeAll
    static void open() {
        if (CudaBackend.isAvailable()) cuda = CudaBackend.create(0, CudaBackend.Options.defaults().withBenchmarkConvolutions(false).withConvAlgorithmCacheDir(null));
    }

    @AfterAll
    static void close() {
        if (cuda != null) cuda.close();
    }

    private static final CompileOptions NHWC = CompileOptions.DEFAULT.withLayout(CompileOptions.Layout.NHWC)
            .withLossScaling(new LossScaling(1024f, 2f, 0.5f, 2000));

    private static double u(Precision p) {
        return p == Precision.BF16 ? 0x1p-8 : 0x1p-11;
    }

    /** Shallow models at batch 8: evaluation logits, two steps (loss, classifier gradient), evaluation logits after them. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"lenet5, bf16, 1, classifier.4", "lenet5, fp16, 1, classifier.4", "resnet20, bf16, 3, fc", "resnet20, fp16, 3, fc"})
    void shallowModelsTrainAsTheCpuEmulates(String name, String precision, int channels, String classifier) {
        assumeTrue(cuda != null, () -> "CUDA backend unavailable: " + CudaBackend.unavailableReason());
        Precision p = Precision.parse(precision);
        double u = u(p);
        Shape in = Shape.of(8, channels, 32, 32);
        ZooRun gpu = ZooRun.of(name, in, cuda, NHWC.withPrecision(p), 2), cpu = ZooRun.of(name, in, CPU, NHWC.withPrecision(p), 2);
        double eval = MixedPrecisionZooTest.logitError(gpu.evalLogits(), cpu.evalLogits());
        double after = MixedPrecisionZooTest.logitError(gpu.finalEvalLogits(), cpu.finalEvalLogits());
        StringBuilder measured = new StringBuilder(String.format("[mixed-precision] %s %s cuda vs cpu: evaluation logits %.1f u", name, precision, eval / u));
        for (int s = 0; s < 2; s++) {
            ZooRun.Step a = gpu.steps().get(s), b = cpu.steps().get(s);
            assertTrue(a.finite() && b.finite(), name + " step " + s + " finite on both (cuda " + a.finite() + ", cpu " + b.finite() + ")");
            double loss = Math.abs(a.loss() - b.loss()) / Math.abs(b.loss());
            double g = MixedPrecisionZooTest.relativeL2(a.grads().get(classifier + ".weight"), b.grads().get(classifier + ".weight"));
            measured.append(String.format("; step %d loss %.1f u, %s.weight gradient %.1f u", s, loss / u, classifier, g / u));
            assertTrue(loss <= 16 * u, name + " step " + s + ": loss " + a.loss() + " (cuda) vs " + b.loss() + " (cpu)");
            assertTrue(g <= 16 * u, name + " step " + s + ": classifier gradient differs by " + g / u + " u");
        }
        measured.append(String.format("; after the steps evaluation logits %.1f u", after / u));
        System.out.println(measured);
        assertTrue(eval <= 16 * u, name + ": evaluation logits differ by " + eval / u + " u");
        assertTrue(after <= 32 * u, name + ": evaluation logits after two steps differ by " + after / u + " u");
    }

    /**
     * Deep models at 64x64, batch 4 (every op kind: depthwise, channel shuffle and split, concatenation, SE, SiLU,
     * stochastic depth): evaluation logits and the first step's loss within 16 u, the step finite.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"resnet18, bf16", "resnet50, bf16", "mobilenet_v2, bf16", "shufflenet_v2_x0_5, bf16", "googlenet, bf16", "googlenet, fp16",
            "efficientnet_b0, bf16", "mobilenet_v3_small, bf16"})
    void deepModelsComputeWhatTheCpuEmulates(String name, String precision) {
        assumeTrue(cuda != null, () -> "CUDA backend unavailable: " + CudaBackend.unavailableReason());
        Precision p = Precision.parse(precision);
        double u = u(p);
        Shape in = Shape.of(4, 3, 64, 64);
        ZooRun gpu = ZooRun.of(name, in, cuda, NHWC.withPrecision(p), 1), cpu = ZooRun.of(name, in, CPU, NHWC.withPrecision(p), 1);
        double eval = MixedPrecisionZooTest.logitError(gpu.evalLogits(), cpu.evalLogits());
        ZooRun.Step a = gpu.steps().getFirst(), b = cpu.steps().getFirst();
        double loss = Math.abs(a.loss() - b.loss()) / Math.abs(b.loss());
        System.out.printf("[mixed-precision] %s %s cuda vs cpu: evaluation logits %.1f u; first step loss %.1f u%n", name, precision, eval / u, loss / u);
        assertTrue(a.finite(), name + ": the CUDA step is not finite");
        assertTrue(eval <= 16 * u, name + ": evaluation logits differ by " + eval / u + " u");
        assertTrue(loss <= 16 * u, name + ": loss " + a.loss() + " (cuda) vs " + b.loss() + " (cpu)");
    }
}
