package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.graph.nodes.ActivationNode;
import dev.jdnn.networks.graph.nodes.FusionGroup;
import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Zoo models compiled twice on the CPU backend from the same seed — fusion forced on, and off — and driven in lockstep
 * for a few SGD steps: evaluation logits, training loss, every parameter gradient and the batch-norm running
 * statistics must agree, and the fused graph's planned memory must not outgrow the unfused one's by more than one
 * activation buffer. Each step starts both models from the same parameters (the unfused model's after its update):
 * two float trajectories apart by rounding drift apart chaotically, which would measure the training dynamics rather
 * than the fused nodes. The running statistics are not synchronised, so they accumulate over the steps.
 *
 * <p>Why not bit for bit: the CPU's fused compositions do the unfused arithmetic except in two places. The evaluation
 * graph folds each batch norm into its convolution's weights (conv(x, w·s) rounds differently from conv(x, w)·s: about
 * 1e-7 relative per layer). The training graph takes the batch statistics from the convolution's per-channel sums
 * rounded to float, variance = E[y²] - E[y]² (cuDNN's gen-stats), where the unfused batch norm makes a second pass over
 * y: the variance carries a relative error of about 1e-7 · mean²/variance. Measured (AVX2, 8 lanes): logits ≤ 1.4e-6,
 * loss ≤ 6e-6, running statistics ≤ 1.6e-5 — the tolerances are a few times that. With too few values per channel the
 * batch-norm gradients are so ill-conditioned that rounding decides them (see PyTorchParityTest's CONDITIONING), so
 * each model runs where its last batch norms see at least 18 values per channel (ImageNet models at 96x96, batch 2).
 *
 * <p>Gradients are compared per parameter as |g_fused - g| / |g| (L2 norms), and for the whole flat gradient. A
 * parameter whose gradient is small next to the model's largest (RMS below 1e-3 of the largest parameter's) is held to
 * that scale rather than its own: such a gradient is a sum that mostly cancels — a batch norm's scale invariance makes
 * some mathematically zero, e.g. the bias of a batch norm whose output only reaches a convolution followed by a
 * training-mode batch norm — so its own relative rounding error is large. The bound depends on the ReLUs: an input
 * within rounding of 0 may land on either side of the kink (both are correct float results of a function that is not
 * differentiable there), and one such element moves the gradients upstream of it by up to a few percent at batch 2.
 * So after each step the ReLU outputs of both compiles are compared: with every ReLU on the same side and no other
 * activation with kinks (ReLU6, hard-swish, ...) in the model, gradients must agree to {@link #GRADS} (measured ≤ 3.4e-4,
 * efficientnet_b0); otherwise to {@link #GRADS_ACROSS_KINK} per parameter and {@link #FLAT_GRADS_ACROSS_KINK} overall
 * (measured 4.4e-2 and 3.3e-2: resnet50, with 11 ReLU outputs on the other side at step 0), and flipped ReLU
 * elements must be rare (a wrong mask would flip many).
 */
class FusedZooTest {
    private static final Backend CPU = new CpuBackend();
    private static final int BATCH = 2, STEPS = 3;
    private static final float LR = 0.01f;
    private static final double SMALL = 1e-3;
    private static final double LOGITS = 1e-5, LOSS = 5e-5, RUNNING = 1e-4, GRADS = 1e-3, GRADS_ACROSS_KINK = 0.15, FLAT_GRADS_ACROSS_KINK = 0.1;
    private static final double FLIPS = 1e-4; // the largest fraction of ReLU outputs on different sides of the kink
    private static final Set<Activation> OTHER_KINKS = Set.of(Activation.RELU6, Activation.LEAKY_RELU, Activation.HARD_SIGMOID, Activation.HARD_SWISH);

    @ParameterizedTest(name = "{0} at {1}x{2}x{2}")
    @CsvSource({
            "resnet20, 3, 32", "resnet18, 3, 96", "resnet50, 3, 96", "googlenet, 3, 96", "mobilenet_v1, 3, 96", "mobilenet_v2, 3, 96",
            "mobilenet_v3_small, 3, 96", "shufflenet_v1, 3, 96", "shufflenet_v2_x0_5, 3, 96", "efficientnet_b0, 3, 64",
    })
    void fusedAgreesWithUnfused(String name, int channels, int size) {
        Shape shape = Shape.of(BATCH, channels, size, size);
        ModelConfig cfg = ModelConfig.of(10, channels, size, size);
        // Every buffer its own range, so that after a step each ReLU's output can still be read and compared.
        CompileOptions separate = new CompileOptions(false, false, true, true, CompileOptions.FusionMode.OFF);
        long start = System.nanoTime();
        List<String> failures = new ArrayList<>();
        StringBuilder measured = new StringBuilder(name + ":");
        try (CompiledModel plain = CompiledModel.compile(Models.create(name, cfg), shape, CPU, 5, separate);
             CompiledModel fused = CompiledModel.compile(Models.create(name, cfg), shape, CPU, 5, separate.withFusion(CompileOptions.FusionMode.ON));
             Tensor labels = GraphFixture.labels(CPU, BATCH, 10)) {
            assertTrue(fused.fusionGroups().stream().anyMatch(g -> g.fused() && g.training())
                    && fused.fusionGroups().stream().anyMatch(g -> g.fused() && !g.training()), () -> name + " fused nothing:\n" + fused.fusionStatus());
            float[] x = GraphFixture.input(shape, 17);
            CPU.upload(x, plain.input());
            CPU.upload(x, fused.input());
            plain.setTraining(false);
            fused.setTraining(false);
            check(failures, measured, "eval logits", maxRelative(CPU.download(fused.forward()), CPU.download(plain.forward())), LOGITS);
            plain.setTraining(true);
            fused.setTraining(true);
            boolean otherKinks = plain.plan(true).graph().nodes().stream().anyMatch(n -> n instanceof ActivationNode a && OTHER_KINKS.contains(a.activation()));
            for (int step = 0; step < STEPS; step++) {
                String s = "step " + step;
                float a = plain.forwardBackward(labels, 0f), b = fused.forwardBackward(labels, 0f);
                check(failures, measured, s + " loss", Math.abs(a - b) / Math.abs(a), LOSS);
                long[] flips = reluFlips(plain, fused);
                boolean sameSides = flips[0] == 0 && !otherKinks;
                measured.append(" ").append(s).append(" relu flips ").append(flips[0]);
                if (flips[0] > FLIPS * flips[1]) failures.add(s + ": " + flips[0] + " of " + flips[1] + " ReLU outputs on different sides of the kink");
                check(failures, measured, s + " grads", gradients(plain, fused), sameSides ? GRADS : GRADS_ACROSS_KINK);
                float[] ga = CPU.download(plain.flatGradients()), gb = CPU.download(fused.flatGradients());
                check(failures, measured, s + " flat grads", distance(ga, gb) / norm(ga), sameSides ? GRADS : FLAT_GRADS_ACROSS_KINK);
                check(failures, measured, s + " running stats", running(plain, fused), RUNNING);
                sgd(plain);
                CPU.copy(plain.flatParameters(), fused.flatParameters());
            }
        }
        memory(failures, measured, name, shape, cfg);
        System.out.printf("%s (%.1f s)%n", measured, (System.nanoTime() - start) / 1e9);
        if (!failures.isEmpty()) fail(name + " fused disagrees with unfused:\n  " + String.join("\n  ", failures));
    }

    /** With the default (shared) memory plan: the fused graphs' arena may exceed the unfused one's by at most one activation. */
    private static void memory(List<String> failures, StringBuilder measured, String name, Shape shape, ModelConfig cfg) {
        try (CompiledModel plain = CompiledModel.compile(Models.create(name, cfg), shape, CPU, 5, CompileOptions.DEFAULT.withFusion(CompileOptions.FusionMode.OFF));
             CompiledModel fused = CompiledModel.compile(Models.create(name, cfg), shape, CPU, 5, CompileOptions.DEFAULT.withFusion(CompileOptions.FusionMode.ON))) {
            long a = plain.memoryReport().plannedActivationBytes(), b = fused.memoryReport().plannedActivationBytes();
            long activation = plain.plan(true).graph().nodes().stream().filter(n -> n.kind().equals("conv2d")).mapToLong(n -> n.output.shape().numel() * 4).max().orElse(0);
            measured.append(String.format(" | planned activations %,d fused vs %,d unfused (%+.1f%%); %d of %d candidates fused", b, a, 100.0 * (b - a) / a,
                    fused.fusionGroups().stream().filter(FusionGroup::fused).count(), fused.fusionGroups().size()));
            if (b > a + activation) failures.add("planned activations grew from " + a + " to " + b + " bytes, more than one activation (" + activation + ")");
        }
    }

    private static void check(List<String> failures, StringBuilder measured, String what, double error, double tolerance) {
        measured.append(String.format(" %s %.1e", what, error));
        if (!(error <= tolerance)) failures.add(String.format("%s: relative error %.3g > %.1g", what, error, tolerance));
    }

    /** {elements of ReLU outputs on different sides of 0 in the two compiles, ReLU output elements}, over the training graph. */
    private static long[] reluFlips(CompiledModel plain, CompiledModel fused) {
        long flips = 0, total = 0;
        for (Node n : plain.plan(true).graph().nodes()) {
            if (!(n instanceof ActivationNode a) || a.activation() != Activation.RELU) continue;
            float[] p = CPU.download(plain.plan(true).valueTensor(n.output.id())), f = CPU.download(fused.plan(true).valueTensor(n.output.id()));
            for (int i = 0; i < p.length; i++) if ((p[i] > 0) != (f[i] > 0)) flips++;
            total += p.length;
        }
        return new long[]{flips, total};
    }

    /** max |a - b| / max |b|. */
    private static double maxRelative(float[] a, float[] b) {
        double diff = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    /**
     * The worst per-parameter |g_fused - g| / max(|g|, floor), the floor being what a gradient of RMS {@link #SMALL} times
     * the model's largest per-parameter RMS would have.
     */
    private static double gradients(CompiledModel plain, CompiledModel fused) {
        Map<String, Parameter> a = plain.trainableParameters(), b = fused.trainableParameters();
        double maxRms = 0;
        for (Parameter p : a.values()) maxRms = Math.max(maxRms, rms(CPU.download(p.grad())));
        double worst = 0;
        for (Map.Entry<String, Parameter> e : a.entrySet()) {
            float[] ga = CPU.download(e.getValue().grad()), gb = CPU.download(b.get(e.getKey()).grad());
            worst = Math.max(worst, distance(ga, gb) / Math.max(norm(ga), SMALL * maxRms * Math.sqrt(ga.length)));
        }
        return worst;
    }

    /** The worst running-mean difference relative to the running standard deviation, and running-variance difference relative to itself. */
    private static double running(CompiledModel plain, CompiledModel fused) {
        double worst = 0;
        for (Map.Entry<String, Parameter> e : plain.stateDict().entrySet()) {
            String key = e.getKey();
            if (!key.endsWith("running_var")) continue;
            String meanKey = key.replace("running_var", "running_mean");
            float[] var = CPU.download(e.getValue().value()), varFused = CPU.download(fused.stateDict().get(key).value());
            float[] mean = CPU.download(plain.stateDict().get(meanKey).value()), meanFused = CPU.download(fused.stateDict().get(meanKey).value());
            double spread = 0;
            for (float v : var) spread += v;
            worst = Math.max(worst, distance(var, varFused) / norm(var));
            worst = Math.max(worst, distance(mean, meanFused) / Math.sqrt(spread));
        }
        return worst;
    }

    private static void sgd(CompiledModel m) {
        float[] p = CPU.download(m.flatParameters()), g = CPU.download(m.flatGradients());
        for (int i = 0; i < p.length; i++) p[i] -= LR * g[i];
        CPU.upload(p, m.flatParameters());
    }

    private static double rms(float[] v) {
        return norm(v) / Math.sqrt(v.length);
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s);
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        return Math.sqrt(s);
    }
}
