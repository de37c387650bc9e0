package dev.jdnn.benchmarks;

import dev.jdnn.benchmarks.ops.BenchBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class BenchRunnerTest {
    /** Without a GPU, explicitly asked-for GPU work fails up front (exit 2) and writes nothing. */
    @Test
    void gpuRequestsWithoutAGpuExitWithUsageError(@TempDir Path tmp) throws Exception {
        assumeFalse(BenchBackends.cudaAvailable(), "a GPU is present: nothing to check");
        Path out = tmp.resolve("r");
        String[] gpuOps = {"--set", "ops-gpu", "--out", out.toString()};
        assertEquals(2, BenchRunner.run(BenchOptionsTest.parse(gpuOps), gpuOps));
        String[] cudaRows = {"--set", "train-throughput", "--device", "cuda", "--out", out.toString()};
        assertEquals(2, BenchRunner.run(BenchOptionsTest.parse(cudaRows), cudaRows));
        String[] cudaProfile = {"--profile", "--model", "lenet5", "--device", "cuda", "--out", out.toString()};
        assertEquals(2, BenchRunner.runProfile(ProfileOptionsTest.parse(cudaProfile), BenchOptionsTest.parse(cudaProfile), cudaProfile));
        assertFalse(Files.exists(out));
    }
}
