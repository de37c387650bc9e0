package dev.jdnn.networks.models;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.networks.graph.CompileOptions.Precision;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.LossScaling;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mixed precision through whole models on the CPU backend, which computes exactly the CUDA backend's mixed-precision
 * semantics (the {@code dev.jdnn.ops} table): each bf16 or fp16 compile against the float32 compile of the same model,
 * weights and batch, both NHWC. Bounds are k unit roundoffs u of the float32 result (u = 2^-8 for bfloat16, 2^-11 for
 * float16), for logits as max |difference| / RMS of the float32 logits, for losses relative, for gradients as the
 * relative L2 norm of the difference; k is stated per check with the largest value measured.
 *
 * <p>Why a subset of models and these configurations. The CPU runs half precision on converted float32 scratch
 * (correct, slow), so the models are small ones covering every op: plain convolutions and pooling (lenet5), batch
 * norm and residual adds with option-A shortcuts (resnet20), depthwise convolutions and ReLU6 (mobilenet_v2), channel
 * split, shuffle and concatenation (shufflenet_v2_x0_5), concatenation of branches (googlenet), squeeze-and-excitation,
 * SiLU, hard-swish and stochastic depth (efficientnet_b0, mobilenet_v3_small). Gradients are compared element by
 * element only where they are well conditioned: a batch-normalised network in training mode at initialisation
 * amplifies any perturbation layer by layer (its float32 gradient is itself that sensitive to rounding), so deep ones
 * are held to their loss and finite gradients, shallow ones (lenet5, resnet20) to every gradient. Float16's range is
 * part of its semantics: the evaluation graphs of the inverted-residual models (mobilenet_v2, mobilenet_v3_small,
 * efficientnet_b0) at initialisation (running statistics 0 and 1) shrink activations below float16's smallest
 * subnormal (measured: 1e-9 by mobilenet_v2's last blocks), so their float16 results underflow, as under
 * torch.autocast; they are compared in bf16 only. Float16 training starts at a loss scale of 2^10 here (torch's
 * 2^16 overflows in the first steps and skips them, which is the scaler's job, tested in LossScalingTest, not a parity
 * question).
 */
class MixedPrecisionZooTest {
    private static final Backend CPU = new CpuBackend();
    private static final CompileOptions NHWC = CompileOptions.DEFAULT.withLayout(CompileOptions.Layout.NHWC)
            .withLossScaling(new LossScaling(1024f, 2f, 0.5f, 2000));

    private static double unitRoundoff(Precision p) {
        return p.activationDtype() == DType.BFLOAT16 ? 0x1p-8 : 0x1p-11;
    }

    private static ZooRun run(String name, Shape in, Precision p, int steps) {
        return ZooRun.of(name, in, CPU, NHWC.withPrecision(p), steps);
    }

    /**
     * The evaluation graph's logits at initialisation: within 16 u (measured: at most 8.4 u in bf16, mobilenet_v3_small;
     * 2.5 u in fp16, resnet20).
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"lenet5, bf16", "lenet5, fp16", "resnet20, bf16", "resnet20, fp16", "mobilenet_v2, bf16", "shufflenet_v2_x0_5, bf16",
            "shufflenet_v2_x0_5, fp16", "googlenet, bf16", "googlenet, fp16", "efficientnet_b0, bf16", "mobilenet_v3_small, bf16"})
    void evaluationLogitsAtInitialisation(String name, String precision) {
        Precision p = Precision.parse(precision);
        Shape in = ZooInputs.smallest(name, 2);
        ZooRun ref = run(name, in, Precision.FP32, 0), mixed = run(name, in, p, 0);
        double err = logitError(mixed.evalLogits(), ref.evalLogits()), u = unitRoundoff(p);
        System.out.printf("%s %s evaluation logits: %.1f u%n", name, precision, err / u);
        assertTrue(err <= 16 * u, name + " " + precision + ": evaluation logits differ from float32 by " + err / u + " u (bound 16 u)");
    }

    /**
     * Shallow models, three training steps at batch 8: every step's loss within 4 u and training logits within 32 u,
     * the classifier's gradients within 4 u (measured: 1 u), all of lenet5's gradients within 4 u (1 u), resnet20's
     * whole gradient within 64 u in bf16 and 256 u in fp16 (measured 36 u and 98 u: the batch norms' backward
     * cancels), and the evaluation logits after the steps within 32 u (measured: 8 u).
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"lenet5, bf16, 1, 32", "lenet5, fp16, 1, 32", "resnet20, bf16, 3, 32", "resnet20, fp16, 3, 32"})
    void shallowModelsTrainAsInFloat32(String name, String precision, int channels, int size) {
        Precision p = Precision.parse(precision);
        double u = unitRoundoff(p);
        Shape in = Shape.of(8, channels, size, size);
        ZooRun ref = run(name, in, Precision.FP32, 3), mixed = run(name, in, p, 3);
        String head = name.equals("lenet5") ? "classifier.4" : "fc";
        double wholeGradient = name.equals("lenet5") ? 4 : p == Precision.BF16 ? 64 : 256;
        for (int s = 0; s < 3; s++) {
            ZooRun.Step a = mixed.steps().get(s), b = ref.steps().get(s);
            String step = name + " " + precision + " step " + s + ": ";
            assertTrue(a.finite(), step + "not finite (the loss scale of 2^10 should not overflow)");
            assertTrue(Math.abs(a.loss() - b.loss()) <= 4 * u * Math.abs(b.loss()), step + "loss " + a.loss() + " vs " + b.loss());
            double logits = logitError(a.logits(), b.logits());
            assertTrue(logits <= 32 * u, step + "training logits differ by " + logits / u + " u");
            for (String key : new String[] {head + ".weight", head + ".bias"}) {
                double g = relativeL2(a.grads().get(key), b.grads().get(key));
                assertTrue(g <= 4 * u, step + key + " gradient differs by " + g / u + " u");
            }
            double all = relativeL2(concat(a.grads()), concat(b.grads()));
            assertTrue(all <= wholeGradient * u, step + "the whole gradient differs by " + all / u + " u (bound " + wholeGradient + " u)");
        }
        double after = logitError(mixed.finalEvalLogits(), ref.finalEvalLogits());
        System.out.printf("%s %s after 3 steps: evaluation logits %.1f u%n", name, precision, after / u);
        assertTrue(after <= 32 * u, name + " " + precision + ": evaluation logits after the steps differ by " + after / u + " u");
    }

    /**
     * Deep batch-normalised models, one training step at 64x64, batch 4, in bf16: the loss within 16 u (measured: at
     * most 8.2 u, efficientnet_b0) and every gradient finite (see the class comment for why no closer comparison).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"mobilenet_v2", "shufflenet_v2_x0_5", "googlenet", "efficientnet_b0", "mobilenet_v3_small"})
    void deepModelsTakeAFiniteStepWithTheFloat32Loss(String name) {
        double u = unitRoundoff(Precision.BF16);
        Shape in = Shape.of(4, 3, 64, 64);
        ZooRun ref = run(name, in, Precision.FP32, 1), mixed = run(name, in, Precision.BF16, 1);
        ZooRun.Step a = mixed.steps().getFirst(), b = ref.steps().getFirst();
        assertTrue(a.finite(), name + ": the bf16 step is not finite");
        double loss = Math.abs(a.loss() - b.loss()) / Math.abs(b.loss());
        System.out.printf("%s bf16 first step: loss %.1f u%n", name, loss / u);
        assertTrue(loss <= 16 * u, name + ": bf16 loss " + a.loss() + " vs float32 " + b.loss() + " (" + loss / u + " u)");
        for (Map.Entry<String, float[]> g : a.grads().entrySet()) {
            for (float v : g.getValue()) assertTrue(Float.isFinite(v), name + ": non-finite bf16 gradient in " + g.getKey());
        }
    }

    /** The CPU backend's half-precision ops are layout-invariant too: bf16 NHWC equals bf16 NCHW bit for bit (two steps). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"resnet20", "shufflenet_v2_x0_5", "lenet5"})
    void bf16ChannelsLastEqualsBf16Nchw(String name) {
        Shape in = ZooInputs.smallest(name, 2);
        ZooRun nhwc = run(name, in, Precision.BF16, 2);
        ZooRun nchw = ZooRun.of(name, in, CPU, NHWC.withPrecision(Precision.BF16).withLayout(CompileOptions.Layout.NCHW), 2);
        assertArrayEquals(nchw.evalLogits(), nhwc.evalLogits(), name);
        for (int s = 0; s < 2; s++) {
            assertEquals(nchw.steps().get(s).loss(), nhwc.steps().get(s).loss(), name + " step " + s);
            assertArrayEquals(concat(nchw.steps().get(s).grads()), concat(nhwc.steps().get(s).grads()), name + " step " + s + " gradients");
        }
        assertArrayEquals(nchw.finalEvalLogits(), nhwc.finalEvalLogits(), name + " after the steps");
    }

    /** max |a - b| / RMS(b). */
    static double logitError(float[] a, float[] b) {
        double max = 0, squares = 0;
        for (int i = 0; i < b.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
            squares += (double) b[i] * b[i];
        }
        return max / Math.sqrt(squares / b.length);
    }

    /** |a - b| / |b| in the L2 norm. */
    static double relativeL2(float[] a, float[] b) {
        double diff = 0, norm = 0;
        for (int i = 0; i < b.length; i++) {
            diff += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            norm += (double) b[i] * b[i];
        }
        return Math.sqrt(diff / norm);
    }

    static float[] concat(Map<String, float[]> byName) {
        int n = byName.values().stream().mapToInt(v -> v.length).sum(), at = 0;
        float[] all = new float[n];
        for (float[] v : byName.values()) {
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        return all;
    }
}
