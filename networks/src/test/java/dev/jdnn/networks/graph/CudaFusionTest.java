package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.cuda.CudaBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ResNet-style models with the graph fused on CUDA (cuDNN's fused engines: fusion AUTO, opt-in until this test has
 * passed on a GPU; NCHW float32, the only operands the fused patterns take): each prints
 * its fusion status ("[fusion-status]" lines: which groups fused, the engine, why the others did not); its fused
 * compile must record and replay the whole training step; and fused against unfused on the same GPU
 * ({@link FusedVsUnfused}) must agree within the tolerances below, in strict FP32 and in TF32. A model where cuDNN fused
 * nothing in a graph aborts the comparison with its status as the reason (it would compare the unfused graph with
 * itself).
 *
 * <p>Tolerances, first estimates to be confirmed on a GPU (the test prints what it measures): strict FP32 is held to
 * ten times the CPU's bounds for forward quantities ({@link FusedZooTest}: the engines' reduction orders and cuDNN's
 * own batch-norm statistics add rounding of the same order), gradients with every ReLU on the same side to 1e-2; TF32
 * rounds convolution operands to 10 mantissa bits (relative 5e-4 per product), so fused and unfused engines, choosing
 * different algorithms, differ by about 1e-3 per layer: logits and loss 2e-2, gradients 5e-2.
 */
@Tag("gpu")
class CudaFusionTest {
    /** What the test compiles: fusion where CUDA fuses, NCHW (CUDA's default layout is NHWC, which the fused patterns do not take). */
    static final CompileOptions FUSED = CompileOptions.DEFAULT.withFusion(CompileOptions.FusionMode.AUTO).withLayout(CompileOptions.Layout.NCHW);
    private static final FusedVsUnfused.Tolerances STRICT = new FusedVsUnfused.Tolerances(1e-4, 5e-4, 1e-3, 1e-2, 0.15, 0.1, 1e-4);
    private static final FusedVsUnfused.Tolerances TF32 = new FusedVsUnfused.Tolerances(2e-2, 2e-2, 2e-2, 5e-2, 0.25, 0.15, 1e-3);

    @ParameterizedTest(name = "{0} at {1}x{1}, batch {2}, strict FP32 {3}")
    @CsvSource({"resnet20, 32, 32, true", "resnet18, 64, 16, true", "resnet50, 64, 16, false"})
    void fusedAgreesWithUnfusedAndRecords(String name, int size, int batch, boolean strictFp32) {
        assumeTrue(CudaBackend.isAvailable(), () -> "CUDA backend unavailable: " + CudaBackend.unavailableReason());
        Shape shape = Shape.of(batch, 3, size, size);
        ModelConfig cfg = ModelConfig.of(10, 3, size, size);
        try (CudaBackend cuda = CudaBackend.create(0, CudaBackend.Options.defaults().withStrictFp32(strictFp32))) {
            String status;
            try (CompiledModel m = CompiledModel.compile(Models.create(name, cfg), shape, cuda, 5, FUSED);
                 Tensor labels = GraphFixture.labels(cuda, batch, 10)) {
                status = m.fusionStatus();
                System.out.println("[fusion-status] " + name + " " + shape + (strictFp32 ? " strict FP32" : " TF32") + "\n" + status);
                assertTrue(status.startsWith("fusion on: "), "fusion AUTO is on on CUDA: " + status);
                m.setTraining(true);
                for (int step = 0; step < 3; step++) assertTrue(Float.isFinite(m.forwardBackward(labels, 0f)), "step " + step);
                String capture = m.graphCaptureStatus();
                assertTrue(capture.contains("training step: replaying (1 capture)"), capture);
                boolean trainingFused = m.fusionGroups().stream().anyMatch(g -> g.training() && g.fused());
                boolean evalFused = m.fusionGroups().stream().anyMatch(g -> !g.training() && g.fused());
                assumeTrue(trainingFused && evalFused, () -> "cuDNN fused nothing in the " + (trainingFused ? "evaluation" : "training") + " graph: " + status);
            }
            long start = System.nanoTime();
            FusedVsUnfused c = FusedVsUnfused.run(name, () -> Models.create(name, cfg), shape, cuda, 3, strictFp32 ? STRICT : TF32);
            System.out.printf("[fusion-parity] %s%s (%.1f s)%n", c.measured, strictFp32 ? " strict FP32" : " TF32", (System.nanoTime() - start) / 1e9);
            if (!c.failures.isEmpty()) fail(name + " fused disagrees with unfused:\n  " + String.join("\n  ", c.failures) + "\n" + status);
        }
    }
}
