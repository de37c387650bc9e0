package dev.jdnn.benchmarks;

import dev.jdnn.benchmarks.ops.BenchBackends;
import dev.jdnn.benchmarks.ops.OpCase;
import dev.jdnn.benchmarks.ops.OpInstance;
import dev.jdnn.benchmarks.profile.DeviceCeilings;
import dev.jdnn.benchmarks.profile.ProfileOptions;
import dev.jdnn.benchmarks.profile.ProfileReport;
import dev.jdnn.benchmarks.profile.ProfileRun;
import dev.jdnn.benchmarks.train.ThroughputRow;
import dev.jdnn.benchmarks.train.TrainThroughput;
import dev.jdnn.networks.graph.ModelProfile;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cuda.CudaBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The harness's CUDA paths (run by ci/gpu-check.sh on a GPU machine): every op case, the step-overhead split, the profile. */
@Tag("gpu")
class GpuHarnessTest {
    @BeforeEach
    void needsGpu() {
        assumeTrue(BenchBackends.cudaAvailable(), () -> "no usable CUDA device: " + CudaBackend.unavailableReason());
    }

    @Test
    void everyCaseRunsOnCudaAtBatchOne() {
        try (Backend backend = BenchBackends.open("cuda")) {
            for (OpCase c : OpCase.values()) {
                try (OpInstance op = OpInstance.create(c, 1, backend)) {
                    op.forward();
                    op.backward();
                    assertDoesNotThrow(backend::synchronize, c.name());
                }
            }
        }
    }

    /** The profile on CUDA: ceilings measured with events, every node timed, cuDNN's algorithms named. */
    @Test
    void cudaProfileOfAResnet20TrainingStep() {
        try (Backend backend = BenchBackends.open("cuda")) {
            ProfileReport r = ProfileRun.run(ProfileOptions.of("resnet20", 32, null, null, 1, 2, 0, "time", false), backend, true, Map.of());
            DeviceCeilings c = r.ceilings();
            assertTrue(c.gemmFlopsPerSecond() > 1e12 && c.copyBytesPerSecond() > 1e11, c.describe());
            ModelProfile p = r.profile();
            assertTrue(p.graphCapture().contains("training step with optimizer update: replaying"), p.graphCapture());
            for (ModelProfile.Row row : p.rows()) {
                if (row.forward().bytes() > 0) assertTrue(row.forward().millis() > 0, row.toString());
                if (row.kind().equals("conv2d")) {
                    assertTrue(row.implementation().startsWith("cuDNN forward "), row.implementation());
                    assertTrue(r.ofCeiling(row.forward()) < 1.5, "a convolution's rate against the GEMM ceiling: " + r.ofCeiling(row.forward()) + " " + row);
                }
            }
            assertTrue(r.markdown(10, false).contains("CUDA events on the stream"));
        }
    }

    @Test
    void cudaTrainingRowSplitsHostAndGpuTime() {
        try (Backend backend = BenchBackends.open("cuda")) {
            Map<String, Object> r = TrainThroughput.run(ThroughputRow.of("cifar_resnet20_train_b32"), backend, new TrainThroughput.Settings(1, 2));
            double wall = (Double) r.get("step_wall_ms"), gpu = (Double) r.get("step_gpu_ms");
            assertTrue(gpu > 0 && wall >= gpu * 0.99, "GPU time " + gpu + " ms within a step's wall time " + wall + " ms");
            assertEquals(wall - gpu, (Double) r.get("step_host_overhead_ms"), 1e-9 * wall);
            assertTrue((Double) r.get("forward_gpu_ms") > 0);
            assertEquals("tf32", r.get("precision"));
            assertTrue((Long) r.get("peak_memory_bytes") > 0);
            assertTrue(((String) r.get("graph_capture")).contains("training step with optimizer update: replaying (1 capture)"), (String) r.get("graph_capture"));
        }
    }
}
