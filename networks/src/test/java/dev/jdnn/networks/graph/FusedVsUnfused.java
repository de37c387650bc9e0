package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.graph.nodes.ActivationNode;
import dev.jdnn.networks.graph.nodes.FusionGroup;
import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.Backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One model compiled twice on one backend from the same seed — fusion off and forced on — and driven in lockstep: an
 * evaluation forward, then a few training steps with SGD, each step starting both compiles from the same parameters
 * (the unfused compile's after its update; two float trajectories apart by rounding drift apart chaotically, which
 * would measure the training dynamics rather than the fused nodes), the running statistics left to accumulate. Records
 * every disagreement beyond the tolerances and one line of what was measured; {@link FusedZooTest} (CPU) and
 * {@link CudaFusionTest} (GPU) say why their tolerances are what they are.
 *
 * <p>Measures: evaluation logits (max |diff| / max |logit|), loss, per-parameter gradients (|g_fused - g| /
 * max(|g|, floor), the floor what a gradient of RMS 1e-3 of the model's largest per-parameter RMS has: such a small
 * gradient is a sum that mostly cancels — a batch norm's scale invariance makes some mathematically zero — so its own
 * relative rounding error is large), the flat gradient, running means (relative to the running standard deviation)
 * and variances. The gradient bound depends on the kinks: after each step the ReLU outputs of both compiles are
 * compared, and only when every ReLU input fell on the same side of 0 and the model has no other activation with a
 * kink (ReLU6, hard-swish, ...) are gradients held to {@code grads}; an input within rounding of a kink may land on
 * either side (both correct float results of a function not differentiable there), and one such element moves the
 * gradients upstream of it by up to a few percent at a small batch.
 */
final class FusedVsUnfused {
    /** {@code flips}: the largest fraction of ReLU outputs on different sides of 0 (a wrong mask would flip many). */
    record Tolerances(double logits, double loss, double running, double grads, double gradsAcrossKink, double flatGradsAcrossKink, double flips) {}

    private static final double SMALL = 1e-3;
    private static final float LR = 0.01f;
    private static final Set<Activation> OTHER_KINKS = Set.of(Activation.RELU6, Activation.LEAKY_RELU, Activation.HARD_SIGMOID, Activation.HARD_SWISH);

    final List<String> failures = new ArrayList<>();
    final StringBuilder measured;
    private final Backend backend;

    private FusedVsUnfused(String name, Backend backend) {
        this.measured = new StringBuilder(name + ":");
        this.backend = backend;
    }

    /**
     * Compiles {@code model} twice on {@code backend} (every buffer its own range, so that each ReLU's output can be read
     * after a step) and compares them over {@code steps} steps.
     */
    static FusedVsUnfused run(String name, Supplier<Layer> model, Shape shape, Backend backend, int steps, Tolerances tol) {
        FusedVsUnfused c = new FusedVsUnfused(name, backend);
        // NCHW float32 on every backend: the fused patterns take nothing else (CUDA would pick NHWC by default)
        CompileOptions separate = new CompileOptions(false, false, true).withFusion(CompileOptions.FusionMode.OFF).withLayout(CompileOptions.Layout.NCHW);
        try (CompiledModel plain = CompiledModel.compile(model.get(), shape, backend, 5, separate);
             CompiledModel fused = CompiledModel.compile(model.get(), shape, backend, 5, separate.withFusion(CompileOptions.FusionMode.ON));
             Tensor labels = GraphFixture.labels(backend, shape.dim(0), plain.outputShape().dim(1))) {
            long fusedGroups = fused.fusionGroups().stream().filter(FusionGroup::fused).count();
            c.measured.append(String.format(" %d of %d candidates fused;", fusedGroups, fused.fusionGroups().size()));
            c.compare(plain, fused, labels, steps, tol);
        }
        return c;
    }

    private void compare(CompiledModel plain, CompiledModel fused, Tensor labels, int steps, Tolerances tol) {
        float[] x = GraphFixture.input(plain.inputShape(), 17);
        backend.upload(x, plain.input());
        backend.upload(x, fused.input());
        plain.setTraining(false);
        fused.setTraining(false);
        check("eval logits", maxRelative(backend.download(fused.forward()), backend.download(plain.forward())), tol.logits());
        plain.setTraining(true);
        fused.setTraining(true);
        boolean otherKinks = plain.plan(true).graph().nodes().stream().anyMatch(n -> n instanceof ActivationNode a && OTHER_KINKS.contains(a.activation()));
        for (int step = 0; step < steps; step++) {
            String s = "step " + step;
            float a = plain.forwardBackward(labels, 0f), b = fused.forwardBackward(labels, 0f);
            check(s + " loss", Math.abs(a - b) / Math.abs(a), tol.loss());
            long[] flips = reluFlips(plain, fused);
            boolean sameSides = flips[0] == 0 && !otherKinks;
            measured.append(" ").append(s).append(" relu flips ").append(flips[0]);
            if (flips[0] > tol.flips() * flips[1]) failures.add(s + ": " + flips[0] + " of " + flips[1] + " ReLU outputs on different sides of the kink");
            check(s + " grads", gradients(plain, fused), sameSides ? tol.grads() : tol.gradsAcrossKink());
            float[] ga = backend.download(plain.flatGradients()), gb = backend.download(fused.flatGradients());
            check(s + " flat grads", distance(ga, gb) / norm(ga), sameSides ? tol.grads() : tol.flatGradsAcrossKink());
            check(s + " running stats", running(plain, fused), tol.running());
            float[] p = backend.download(plain.flatParameters());
            for (int i = 0; i < p.length; i++) p[i] -= LR * ga[i];
            backend.upload(p, plain.flatParameters());
            backend.copy(plain.flatParameters(), fused.flatParameters());
        }
    }

    private void check(String what, double error, double tolerance) {
        measured.append(String.format(" %s %.1e", what, error));
        if (!(error <= tolerance)) failures.add(String.format("%s: relative error %.3g > %.1g", what, error, tolerance));
    }

    /** {elements of ReLU outputs on different sides of 0 in the two compiles, ReLU output elements}, over the training graph. */
    private long[] reluFlips(CompiledModel plain, CompiledModel fused) {
        long flips = 0, total = 0;
        for (Node n : plain.plan(true).graph().nodes()) {
            if (!(n instanceof ActivationNode a) || a.activation() != Activation.RELU) continue;
            float[] p = backend.download(plain.plan(true).valueTensor(n.output.id())), f = backend.download(fused.plan(true).valueTensor(n.output.id()));
            for (int i = 0; i < p.length; i++) if ((p[i] > 0) != (f[i] > 0)) flips++;
            total += p.length;
        }
        return new long[]{flips, total};
    }

    /** The worst per-parameter |g_fused - g| / max(|g|, floor). */
    private double gradients(CompiledModel plain, CompiledModel fused) {
        Map<String, Parameter> a = plain.trainableParameters(), b = fused.trainableParameters();
        double maxRms = 0;
        for (Parameter p : a.values()) maxRms = Math.max(maxRms, norm(backend.download(p.grad())) / Math.sqrt(p.numel()));
        double worst = 0;
        for (Map.Entry<String, Parameter> e : a.entrySet()) {
            float[] ga = backend.download(e.getValue().grad()), gb = backend.download(b.get(e.getKey()).grad());
            worst = Math.max(worst, distance(ga, gb) / Math.max(norm(ga), SMALL * maxRms * Math.sqrt(ga.length)));
        }
        return worst;
    }

    /** The worst running-mean difference relative to the running standard deviation, and running-variance difference relative to itself. */
    private double running(CompiledModel plain, CompiledModel fused) {
        double worst = 0;
        for (Map.Entry<String, Parameter> e : plain.stateDict().entrySet()) {
            String key = e.getKey();
            if (!key.endsWith("running_var")) continue;
            String meanKey = key.replace("running_var", "running_mean");
            float[] var = backend.download(e.getValue().value()), varFused = backend.download(fused.stateDict().get(key).value());
            float[] mean = backend.download(plain.stateDict().get(meanKey).value()), meanFused = backend.download(fused.stateDict().get(meanKey).value());
            double spread = 0;
            for (float v : var) spread += v;
            worst = Math.max(worst, distance(var, varFused) / norm(var));
            worst = Math.max(worst, distance(mean, meanFused) / Math.sqrt(spread));
        }
        return worst;
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
