package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.nodes.FusionGroup;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Zoo models fused against unfused on the CPU backend ({@link FusedVsUnfused}: evaluation logits, then three SGD steps
 * comparing loss, gradients and batch-norm running statistics), and the fused graph's planned memory, which may exceed
 * the unfused one's by at most one activation buffer: a fused conv-BN-ReLU node holds its output's gradient, its
 * convolution output's gradient and its input's gradient at its one backward step, where the three unfused nodes held
 * two of them at a time (measured +0% to +1.8%).
 *
 * <p>Why not bit for bit: the CPU's fused compositions do the unfused arithmetic except in two places. The evaluation
 * graph folds each batch norm into its convolution's weights (conv(x, w·s) rounds differently from conv(x, w)·s: about
 * 1e-7 relative per layer). The training graph takes the batch statistics from the convolution's per-channel sums
 * rounded to float, variance = E[y²] - E[y]² (cuDNN's gen-stats), where the unfused batch norm makes a second pass over
 * y: the variance carries a relative error of about 1e-7 · mean²/variance. Measured (AVX2, 8 lanes): logits ≤ 1.4e-6,
 * loss ≤ 6e-6, running statistics ≤ 1.6e-5, gradients with every ReLU on the same side ≤ 3.4e-4 (efficientnet_b0),
 * across a kink 4.4e-2 per parameter and 3.3e-2 overall (resnet50, 11 ReLU outputs on the other side at step 0); the
 * tolerances are a few times that. With too few values per channel the batch-norm gradients are so ill-conditioned
 * that rounding decides them (see PyTorchParityTest's CONDITIONING), so each model runs where its last batch norms see
 * at least 8 values per channel (ImageNet models at 96x96, batch 2: 3x3x2; efficientnet_b0, slower, at 64x64).
 * {@code PyTorchParityTest.fusedMatchesPyTorch} compares every fused zoo model with PyTorch itself.
 */
class FusedZooTest {
    private static final Backend CPU = new CpuBackend();
    private static final FusedVsUnfused.Tolerances TOLERANCES = new FusedVsUnfused.Tolerances(1e-5, 5e-5, 1e-4, 1e-3, 0.15, 0.1, 1e-4);

    @ParameterizedTest(name = "{0} at {1}x{2}x{2}")
    @CsvSource({
            "resnet20, 3, 32", "resnet18, 3, 96", "resnet50, 3, 96", "googlenet, 3, 96", "mobilenet_v1, 3, 96", "mobilenet_v2, 3, 96",
            "mobilenet_v3_small, 3, 96", "shufflenet_v1, 3, 96", "shufflenet_v2_x0_5, 3, 96", "efficientnet_b0, 3, 64",
    })
    void fusedAgreesWithUnfused(String name, int channels, int size) {
        long start = System.nanoTime();
        Shape shape = Shape.of(2, channels, size, size);
        ModelConfig cfg = ModelConfig.of(10, channels, size, size);
        FusedVsUnfused c = FusedVsUnfused.run(name, () -> Models.create(name, cfg), shape, CPU, 3, TOLERANCES);
        try (CompiledModel plain = CompiledModel.compile(Models.create(name, cfg), shape, CPU, 5, CompileOptions.DEFAULT.withFusion(CompileOptions.FusionMode.OFF));
             CompiledModel fused = CompiledModel.compile(Models.create(name, cfg), shape, CPU, 5, CompileOptions.DEFAULT.withFusion(CompileOptions.FusionMode.ON))) {
            List<FusionGroup> groups = fused.fusionGroups();
            if (groups.stream().noneMatch(g -> g.fused() && g.training()) || groups.stream().noneMatch(g -> g.fused() && !g.training())) {
                c.failures.add("a graph with nothing fused:\n" + fused.fusionStatus());
            }
            long a = plain.memoryReport().plannedActivationBytes(), b = fused.memoryReport().plannedActivationBytes();
            long activation = plain.plan(true).graph().nodes().stream().filter(n -> n.kind().equals("conv2d")).mapToLong(n -> n.output.shape().numel() * 4).max().orElse(0);
            c.measured.append(String.format(" | planned activations %,d fused vs %,d unfused (%+.1f%%)", b, a, 100.0 * (b - a) / a));
            if (b > a + activation) c.failures.add("planned activations grew from " + a + " to " + b + " bytes, more than one activation (" + activation + ")");
        }
        System.out.printf("%s (%.1f s)%n", c.measured, (System.nanoTime() - start) / 1e9);
        if (!c.failures.isEmpty()) fail(name + " fused disagrees with unfused:\n  " + String.join("\n  ", c.failures));
    }
}
