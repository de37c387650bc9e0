package dev.jdnn.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class JmhSetsTest {
    @Test
    void withoutAGpuNoJobAsksForCuda() {
        List<JmhSets.Job> jobs = JmhSets.jobs(List.of("downcall", "gemm", "ops-cpu"), false, false);
        for (JmhSets.Job j : jobs) {
            assertFalse(j.benchmarkClass().contains("Cudnn") || j.benchmarkClass().contains("GemmCeiling"), j.toString());
            assertFalse(j.params().getOrDefault("backend", List.of()).stream().anyMatch(b -> b.startsWith("cuda")), j.toString());
        }
    }

    @Test
    void opSetsBringTheirCeilingsFirstAndOnlyOnce() {
        List<JmhSets.Job> jobs = JmhSets.jobs(List.of("ops-cpu", "gemm"), true, false);
        assertEquals(List.of("cpu.PeakFlopsBenchmark", "ops.CopyBandwidthBenchmark", "ops.OpsBenchmark"),
                jobs.stream().map(JmhSets.Job::benchmarkClass).toList());
        assertEquals(List.of("1"), jobs.get(2).params().get("batch"), "quick CPU ops run batch 1 only");
        assertEquals(List.of("1", "32"), JmhSets.jobs(List.of("ops-cpu"), false, false).get(2).params().get("batch"),
                "the CPU never runs batch 256");
    }

    @Test
    void gpuSetsUseCudaWhenAvailable() {
        List<JmhSets.Job> jobs = JmhSets.jobs(List.of("ops-gpu", "downcall"), false, true);
        assertTrue(jobs.stream().anyMatch(j -> j.benchmarkClass().equals("ops.GemmCeilingBenchmark")
                && j.params().get("backend").equals(List.of("cuda", "cuda-fp32"))));
        assertTrue(jobs.stream().anyMatch(j -> j.benchmarkClass().equals("ops.OpsBenchmark")
                && j.params().get("batch").equals(List.of("1", "32", "256"))));
        assertTrue(jobs.stream().anyMatch(j -> j.benchmarkClass().equals("ffm.CudnnLaunchBenchmark")));
    }

    @Test
    void gpuSetWithoutGpuFailsWithTheReason() {
        var e = assertThrows(IllegalStateException.class, () -> JmhSets.jobs(List.of("ops-gpu"), false, false));
        assertTrue(e.getMessage().contains("ops-gpu"), e.getMessage());
    }

    @Test
    void includeRegexMatchesOnlyThatClass() {
        String re = new JmhSets.Job("x", "ops.OpsBenchmark", java.util.Map.of()).include();
        assertTrue(java.util.regex.Pattern.compile(re).matcher("dev.jdnn.benchmarks.ops.OpsBenchmark.forward").find());
        assertFalse(java.util.regex.Pattern.compile(re).matcher("dev.jdnn.benchmarks.ops.OpsBenchmarkX.forward").find());
    }

    @Test
    void unitsAndParams() {
        assertEquals(2.5e-6, JmhSets.toSeconds(2.5, "us/op"), 1e-18);
        assertEquals(7e-9, JmhSets.toSeconds(7, "ns/op"), 1e-21);
        assertTrue(Double.isNaN(JmhSets.toSeconds(7, "ops/s")));
        assertEquals(1e3, JmhSets.perSecondFactor("ops/ms"));
        String p = JmhSets.formatParams(new java.util.LinkedHashMap<>(java.util.Map.of("backend", "cpu")));
        assertEquals("backend=cpu", p);
        assertEquals("32", JmhSets.param("backend=cpu op=RN50_FC batch=32", "batch"));
        assertNull(JmhSets.param("backend=cpu", "batch"));
    }
}
