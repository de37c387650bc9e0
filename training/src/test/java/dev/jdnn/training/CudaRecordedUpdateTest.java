package dev.jdnn.training;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.ops.cuda.CudaBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link RecordedUpdateTest} on real CUDA graphs: a run whose optimizer update is recorded with the training step
 * (the kernels reading the learning rate and step from device memory) against the same run unrecorded on the same
 * backend (CUDA graphs off), with and without gradient clipping. Compared within a small tolerance: cuDNN's backward may
 * accumulate with atomics, so even two eager runs can differ in the last bits. (Among the gpu-tagged tests
 * ci/gpu-check.sh runs from the GPU bundle.)
 */
@Tag("gpu")
class CudaRecordedUpdateTest {
    @ParameterizedTest
    @CsvSource({"sgd-nesterov, cosine, 0", "sgd-dampening, step, 0", "adamw-amsgrad, onecycle, 0", "adam, cosine, 0", "adam, cosine, 0.5"})
    void theRecordedUpdateMatchesTheEagerOne(String optimizer, String schedule, double maxGradNorm) {
        assumeTrue(CudaBackend.isAvailable(), () -> "CUDA backend unavailable: " + CudaBackend.unavailableReason());
        CudaBackend.Options d = CudaBackend.Options.defaults();
        Shape shape = Shape.of(TinySetup.BATCH, 1, 8, 8);
        // Strict FP32 and heuristic algorithm choice: both models get the same algorithms.
        try (CudaBackend cuda = CudaBackend.create(0, new CudaBackend.Options(true, false, d.workspaceLimit(), d.kernelCacheDir(), null))) {
            RecordedUpdateTest.Outcome eager = RecordedUpdateTest.train(cuda,
                    b -> CompiledModel.compile(TinySetup.tinyNet(), shape, b, 1234, CompileOptions.DEFAULT.withCudaGraphs(false)), optimizer, schedule, maxGradNorm);
            RecordedUpdateTest.Outcome recorded = RecordedUpdateTest.train(cuda,
                    b -> CompiledModel.compile(TinySetup.tinyNet(), shape, b, 1234), optimizer, schedule, maxGradNorm);
            assertEquals("recorded with the training step", recorded.updateStatus());
            assertTrue(recorded.graphStatus().contains("training step with optimizer update: replaying (1 capture)"), recorded.graphStatus());
            assertEquals(eager.losses().size(), recorded.losses().size());
            for (int i = 0; i < eager.losses().size(); i++) {
                float a = eager.losses().get(i), b = recorded.losses().get(i);
                assertEquals(a, b, 1e-4 * Math.abs(a) + 1e-6, "step " + i + ": loss");
            }
            assertEquals(eager.optimizerSteps(), recorded.optimizerSteps());
            for (String k : eager.state().keySet()) assertClose(k, eager.state().get(k), recorded.state().get(k));
        }
    }

    /**
     * The device guard on real CUDA graphs: a NaN loss at the first step (warm-up) or at a replayed step stops the
     * run with parameters and optimizer state bit for bit as after the last good step and the step uncounted; the
     * unrecorded run (graphs off) stops at the same step with the same count and close state.
     */
    @ParameterizedTest
    @CsvSource({"sgd-nesterov, false", "adamw-amsgrad, false", "sgd-dampening, true"})
    void aDivergentRecordedStepLeavesModelAndOptimizerAsBeforeIt(String optimizer, boolean firstStep) {
        assumeTrue(CudaBackend.isAvailable(), () -> "CUDA backend unavailable: " + CudaBackend.unavailableReason());
        CudaBackend.Options d = CudaBackend.Options.defaults();
        Shape shape = Shape.of(TinySetup.BATCH, 1, 8, 8);
        try (CudaBackend cuda = CudaBackend.create(0, new CudaBackend.Options(true, false, d.workspaceLimit(), d.kernelCacheDir(), null))) {
            RecordedUpdateTest.Diverged recorded = RecordedUpdateTest.diverge(cuda, b -> CompiledModel.compile(TinySetup.tinyNet(), shape, b, 1234), optimizer, firstStep);
            assertEquals("recorded with the training step", recorded.updateStatus());
            long step = recorded.error().globalStep();
            assertEquals(step, recorded.optimizerSteps(), "the skipped step is not counted");
            RecordedUpdateTest.assertSameState(recorded.updatedBeforeThatStep(), recorded.updated(), "parameters and optimizer state after the divergent step");
            RecordedUpdateTest.Diverged eager = RecordedUpdateTest.diverge(cuda,
                    b -> CompiledModel.compile(TinySetup.tinyNet(), shape, b, 1234, CompileOptions.DEFAULT.withCudaGraphs(false)), optimizer, firstStep);
            assertEquals(eager.error().globalStep(), step);
            assertEquals(eager.optimizerSteps(), recorded.optimizerSteps());
            for (String k : eager.updated().keySet()) assertClose(k, eager.updated().get(k), recorded.updated().get(k));
        }
    }

    /** Equal within 1e-4 of the larger magnitude involved. */
    private static void assertClose(String what, float[] expected, float[] actual) {
        assertNotNull(actual, what + ": missing");
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1e-30;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-4 * scale + 1e-6, what + " [" + i + "]");
    }
}
