package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.graph.nodes.FusionGroup;
import dev.jdnn.networks.layers.Act;
import dev.jdnn.networks.layers.BatchNorm2d;
import dev.jdnn.networks.layers.Conv2d;
import dev.jdnn.networks.layers.Pool2d;
import dev.jdnn.networks.layers.Sequential;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static dev.jdnn.networks.graph.CompileOptions.FusionMode.AUTO;
import static dev.jdnn.networks.graph.CompileOptions.FusionMode.OFF;
import static dev.jdnn.networks.graph.CompileOptions.FusionMode.ON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fusion rewrite on the CPU backend: which groups it fuses and what it reports for the others (the backend's
 * reason, or the graph's: a channel slice, a frozen batch norm, misaligned parameters, folding that does not pay, a
 * ReLU with two readers), the per-group fallback when the backend does not fuse a pattern (bit for bit the unfused
 * nodes' results), bit-for-bit results where the fused plans do the unfused arithmetic, and buffer lifetimes checked
 * by NaN poisoning. {@link FusedZooTest} compares whole zoo models; {@link GraphReplayTest} records fused steps.
 */
class FusionTest {
    private static final Backend CPU = new CpuBackend();
    private static final Shape RESNET20_INPUT = Shape.of(2, 3, 32, 32);

    private static Layer resnet20() {
        return Models.create("resnet20", ModelConfig.of(10, 3, 32, 32));
    }

    private static CompiledModel compile(Layer model, Shape shape, Backend backend, CompileOptions.FusionMode fusion) {
        return CompiledModel.compile(model, shape, backend, 3, CompileOptions.DEFAULT.withFusion(fusion));
    }

    private static FusionGroup group(CompiledModel m, boolean training, String pattern, String firstPath) {
        return m.fusionGroups().stream().filter(g -> g.training() == training && g.pattern().equals(pattern) && g.paths().getFirst().equals(firstPath))
                .findFirst().orElseThrow(() -> new AssertionError("no " + pattern + " candidate at " + firstPath + " in\n" + m.fusionStatus()));
    }

    @Test
    void statusNamesEveryCandidateAndWhatBecameOfIt() {
        try (CompiledModel m = compile(resnet20(), RESNET20_INPUT, CPU, ON)) {
            String status = m.fusionStatus();
            // 19 conv-BN pairs (stem + 18 in the blocks; option-A shortcuts have no conv). Each block's conv1 -> conv2 ReLU is
            // read by conv2 alone (dgrad-drelu); the stem's ReLU also feeds the first block's shortcut.
            assertTrue(m.fusionSummary().startsWith("fusion on (forced): evaluation conv-bias-activation "), status);
            assertTrue(m.fusionSummary().endsWith("training conv-stats + bn-finalize 19/19 fused, bn-backward 19/19 fused, dgrad-drelu 9/10 fused"), status);
            assertEquals(m.fusionSummary(), status.lines().findFirst().orElseThrow());
            assertEquals(m.fusionGroups().size() + 1, status.lines().count(), "one line per candidate");

            FusionGroup block = group(m, true, "conv-stats + bn-finalize", "layer1.0.conv1");
            assertEquals(List.of("layer1.0.conv1", "layer1.0.bn1", "layer1.0.relu"), block.paths());
            assertTrue(block.fused() && block.detail().contains("conv-stats fused: CPU composition"), block.describe());
            assertEquals(List.of("layer1.0.conv2", "layer1.0.bn2"), group(m, true, "conv-stats + bn-finalize", "layer1.0.conv2").paths(), "the ReLU after the add is not the batch norm's");
            assertTrue(group(m, true, "dgrad-drelu", "layer1.0.conv1 (relu)").fused());
            FusionGroup stem = group(m, true, "dgrad-drelu", "conv1 (relu)");
            assertFalse(stem.fused());
            assertTrue(stem.detail().contains("the ReLU's output has 2 readers"), stem.describe());

            FusionGroup folded = group(m, false, "conv-bias-activation", "layer1.0.conv1");
            assertTrue(folded.fused() && folded.paths().size() == 3, folded.describe());
            FusionGroup costly = group(m, false, "conv-bias-activation", "layer3.1.conv1");
            assertFalse(costly.fused());
            assertTrue(costly.detail().contains("folding the batch norm would rewrite 36,864 weights every forward to save passes over 8,192 outputs"), costly.describe());

            assertTrue(m.describeGraph(true).contains("conv-batchnorm-relu(fused)@layer1.0.conv1"), m.describeGraph(true));
            assertTrue(m.describeGraph(false).contains("conv-bias-activation(batch norm folded, relu)@layer1.0.conv1"), m.describeGraph(false));
        }
        try (CompiledModel auto = compile(resnet20(), RESNET20_INPUT, CPU, AUTO); CompiledModel off = compile(resnet20(), RESNET20_INPUT, CPU, OFF)) {
            assertTrue(auto.fusionStatus().startsWith("fusion off (auto: the cpu backend's fused plans are compositions of its unfused ops"), auto.fusionStatus());
            assertEquals("fusion off (the default until cuDNN's fused engines are verified on a GPU; fusion auto (--fusion auto) turns it on for CUDA)", off.fusionStatus());
            assertEquals(OFF, CompileOptions.DEFAULT.fusion(), "opt-in until verified on a GPU");
            assertTrue(auto.fusionGroups().isEmpty() && !auto.describeGraph(true).contains("fused"));
        }
    }

    /** Where the backend does not fuse a pattern, the group keeps its nodes: the unfused compile's results, bit for bit. */
    @Test
    void aPatternTheBackendDoesNotFuseKeepsItsNodes() {
        Backend refusing = RefusingBackend.refusing(Set.of("conv-stats", "conv-bias-activation"));
        try (CompiledModel plain = compile(resnet20(), RESNET20_INPUT, CPU, OFF); CompiledModel fallback = compile(resnet20(), RESNET20_INPUT, refusing, ON)) {
            assertFalse(fallback.fusionGroups().isEmpty());
            for (FusionGroup g : fallback.fusionGroups()) {
                assertFalse(g.fused(), g.describe());
                assertTrue(g.detail().contains("not fused (no engine): " + RefusingBackend.REASON) || g.detail().startsWith("folding"), g.describe());
            }
            assertEquals(plain.describeGraph(true), fallback.describeGraph(true));
            assertEquals(plain.describeGraph(false), fallback.describeGraph(false));
            assertSameRuns(plain, CPU, fallback, refusing);
        }
    }

    /**
     * A group whose forward fuses but whose batch-norm backward or dgrad-drelu does not runs those unfused inside the
     * fused node. On the CPU the fused backward plans do the unfused arithmetic, so the results are the fully fused
     * compile's, bit for bit.
     */
    @Test
    void aBackwardPatternTheBackendDoesNotFuseRunsUnfusedInsideTheGroup() {
        Backend refusing = RefusingBackend.refusing(Set.of("bn-backward", "dgrad-drelu"));
        try (CompiledModel fused = compile(resnet20(), RESNET20_INPUT, CPU, ON); CompiledModel partly = compile(resnet20(), RESNET20_INPUT, refusing, ON)) {
            assertTrue(partly.fusionSummary().endsWith("training conv-stats + bn-finalize 19/19 fused, bn-backward 0/19 fused, dgrad-drelu 0/10 fused"), partly.fusionStatus());
            FusionGroup bn = group(partly, true, "bn-backward", "layer1.0.bn1");
            assertTrue(bn.detail().endsWith(RefusingBackend.REASON + "; the batch norm's unfused backward runs"), bn.describe());
            assertTrue(group(partly, true, "dgrad-drelu", "layer1.0.conv1 (relu)").detail().endsWith("; the ReLU's backward runs"));
            assertSameRuns(fused, CPU, partly, refusing);
        }
    }

    /** Convolutions with a bias and a ReLU, no batch norm: the fused evaluation graph does the unfused arithmetic exactly. */
    @Test
    void withoutBatchNormTheFusedGraphIsBitForBitTheUnfusedOne() {
        Supplier<Layer> net = () -> new TinyNets.Classifier(new Sequential(new Conv2d(3, 16, 3, 1, 1, true), Act.relu(), Pool2d.max(2, 2),
                new Conv2d(16, 16, 3, 1, 1, true), Act.relu()), 16, 10, 0f);
        Shape shape = Shape.of(2, 3, 8, 8);
        try (CompiledModel plain = compile(net.get(), shape, CPU, OFF); CompiledModel fused = compile(net.get(), shape, CPU, ON)) {
            assertEquals("fusion on (forced): evaluation conv-bias-activation 2/2 fused; training no candidates", fused.fusionSummary(), fused.fusionStatus());
            assertSameRuns(plain, CPU, fused, CPU);
        }
    }

    @Test
    void graphReasonsForNotFusing() {
        // A channel split feeding a conv-BN-ReLU (ShuffleNet's), and a conv + ReLU writing straight into a concat.
        try (CompiledModel mixed = compile(TinyNets.mixedNet(10, TinyNets.RELU), Shape.of(2, 3, 8, 8), CPU, ON);
             CompiledModel inception = compile(TinyNets.inceptionNet(10, TinyNets.RELU), Shape.of(2, 3, 8, 8), CPU, ON)) {
            FusionGroup split = group(mixed, true, "conv-stats + bn-finalize", "body.1.branch.0");
            assertEquals("its input is a channel slice of another tensor (fused plans need densely packed operands)", split.detail());
            FusionGroup concat = group(inception, false, "conv-bias-activation", "body.branch1.0");
            assertEquals("body.branch1.1's ReLU stays separate: it writes into a concat slice, which leaves nothing to fuse", concat.detail());
        }
        // 6 channels: packed back to back, the batch norm's weight would start 6 x 3 x 3 x 3 floats into the parameter
        // buffer, 8 bytes off 16; the store starts every parameter aligned, so the group fuses.
        Supplier<Layer> sixChannels = () -> new TinyNets.Classifier(new Sequential(new Conv2d(3, 6, 3, 1, 1, false), new BatchNorm2d(6), Act.relu()), 6, 10, 0f);
        try (CompiledModel m = compile(sixChannels.get(), Shape.of(2, 3, 8, 8), CPU, ON)) {
            FusionGroup six = group(m, true, "conv-stats + bn-finalize", "body.0");
            assertTrue(six.fused(), six.describe());
        }
        // A convolution with a bias before a batch norm (VGG-BN's), and a frozen batch norm in the training graph.
        Supplier<Layer> biased = () -> new TinyNets.Classifier(new Sequential(new Conv2d(3, 16, 3, 1, 1, true), new BatchNorm2d(16), Act.relu()), 16, 10, 0f);
        Layer frozen = biased.get();
        ((TinyNets.Classifier) frozen).body.freeze();
        try (CompiledModel b = compile(biased.get(), Shape.of(2, 3, 8, 8), CPU, ON); CompiledModel f = compile(frozen, Shape.of(2, 3, 8, 8), CPU, ON)) {
            assertEquals("the convolution has a bias (conv-stats takes none: the batch norm absorbs it)", group(b, true, "conv-stats + bn-finalize", "body.0").detail());
            assertEquals("the batch norm is frozen (it uses its running statistics in the training graph)", group(f, true, "conv-stats + bn-finalize", "body.0").detail());
            assertTrue(group(b, false, "conv-bias-activation", "body.0").fused(), "the evaluation graph folds either");
        }
    }

    /**
     * NaN poisoning (every planned buffer filled with NaN when its lifetime starts and ends) changes nothing in a fused
     * compile with shared memory: no fused node reads a buffer outside its planned lifetime (its scratch living only in
     * the forward or the backward, y kept until the backward, the input kept for dgrad-drelu).
     */
    @Test
    void fusedNodesReadNoBufferOutsideItsLifetime() {
        Shape shape = Shape.of(2, 3, 16, 16);
        try (CompiledModel separate = CompiledModel.compile(resnet20(), shape, CPU, 3, new CompileOptions(false, false, true).withFusion(ON));
             CompiledModel poisoned = CompiledModel.compile(resnet20(), shape, CPU, 3, new CompileOptions(true, true, true).withFusion(ON))) {
            assertTrue(poisoned.memoryReport().plannedActivationBytes() < separate.memoryReport().plannedActivationBytes(), "the poisoned compile shares memory");
            assertSameRuns(separate, CPU, poisoned, CPU);
        }
    }

    /**
     * Two compiles from the same seed run in lockstep — an evaluation forward, then two training steps with an SGD update
     * in between — must give identical logits, losses, gradients, parameters and running statistics.
     */
    private static void assertSameRuns(CompiledModel a, Backend backendA, CompiledModel b, Backend backendB) {
        Shape shape = a.inputShape();
        float[] x = GraphFixture.input(shape, 9);
        backendA.upload(x, a.input());
        backendB.upload(x, b.input());
        a.setTraining(false);
        b.setTraining(false);
        assertArrayEquals(backendA.download(a.forward()), backendB.download(b.forward()), "evaluation logits");
        a.setTraining(true);
        b.setTraining(true);
        try (Tensor la = GraphFixture.labels(backendA, shape.dim(0), 10); Tensor lb = GraphFixture.labels(backendB, shape.dim(0), 10)) {
            for (int step = 0; step < 2; step++) {
                assertEquals(a.forwardBackward(la, 0f), b.forwardBackward(lb, 0f), "step " + step + " loss");
                assertArrayEquals(backendA.download(a.output()), backendB.download(b.output()), "step " + step + " training logits");
                assertArrayEquals(backendA.download(a.flatGradients()), backendB.download(b.flatGradients()), "step " + step + " gradients");
                for (Map.Entry<String, Parameter> e : a.stateDict().entrySet()) {
                    assertArrayEquals(backendA.download(e.getValue().value()), backendB.download(b.stateDict().get(e.getKey()).value()), "step " + step + " " + e.getKey());
                }
                for (CompiledModel m : List.of(a, b)) {
                    Backend be = m == a ? backendA : backendB;
                    float[] p = be.download(m.flatParameters()), g = be.download(m.flatGradients());
                    for (int i = 0; i < p.length; i++) p[i] -= 0.05f * g[i];
                    be.upload(p, m.flatParameters());
                }
            }
        }
    }
}
