package dev.jdnn.benchmarks.train;

import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TrainThroughputTest {
    /** One real (tiny) measurement on the CPU: the fields compare.py writes, consistent with each other. */
    @Test
    void cpuTrainingRowHasComparePyFields() {
        try (CpuBackend backend = new CpuBackend()) {
            Map<String, Object> r = TrainThroughput.run(ThroughputRow.of("cifar_resnet20_train_b32"), backend, new TrainThroughput.Settings(0, 1));
            assertEquals("cifar_resnet20_train_b32", r.get("row"));
            assertEquals("train", r.get("kind"));
            assertEquals("resnet20", r.get("model"));
            assertEquals(32, r.get("batch"));
            assertEquals(List.of(3, 32, 32), r.get("input"));
            double ms = (Double) r.get("ms_per_step"), ips = (Double) r.get("images_per_s");
            assertTrue(ms > 0, "ms_per_step " + ms);
            assertEquals(32 * 1000.0 / ms, ips, 1e-9 * ips);
            assertTrue((Long) r.get("peak_memory_bytes") > 0);
            assertEquals("jdnn", r.get("framework"));
            assertEquals(true, r.get("cuda_graphs"));
            assertTrue(((String) r.get("graph_capture")).contains("unsupported: the cpu backend"), (String) r.get("graph_capture"));
            assertTrue(((String) r.get("fusion")).startsWith("fusion off (the default until"), (String) r.get("fusion"));
            assertEquals("fp32", r.get("precision"), "tf32 asked for, the CPU computes float32");
            assertEquals("nchw", r.get("layout"), "auto on the CPU");
        }
    }

    @Test
    void fusionForcedOnIsRecordedInTheResult() {
        try (CpuBackend backend = new CpuBackend()) {
            Map<String, Object> r = TrainThroughput.run(ThroughputRow.of("cifar_resnet20_train_b32"), backend, new TrainThroughput.Settings(0, 1),
                    CompileOptions.DEFAULT.withFusion(CompileOptions.FusionMode.ON));
            assertTrue(((String) r.get("fusion")).startsWith("fusion on (forced): evaluation conv-bias-activation"), (String) r.get("fusion"));
        }
    }

    @Test
    void precisionAndLayoutAreRecordedAsTheModelComputed() {
        try (CpuBackend backend = new CpuBackend()) {
            Map<String, Object> r = TrainThroughput.run(ThroughputRow.of("cifar_resnet20_train_b32"), backend, new TrainThroughput.Settings(0, 1),
                    CompileOptions.DEFAULT.withPrecision(CompileOptions.Precision.BF16).withLayout(CompileOptions.Layout.NHWC));
            assertEquals("bf16", r.get("precision"));
            assertEquals("nhwc", r.get("layout"));
            assertTrue((Double) r.get("images_per_s") > 0);
        }
    }

    @Test
    void graphsOffIsRecordedInTheResult() {
        try (CpuBackend backend = new CpuBackend()) {
            Map<String, Object> r = TrainThroughput.run(ThroughputRow.of("cifar_resnet20_train_b32"), backend, new TrainThroughput.Settings(0, 1),
                    CompileOptions.DEFAULT.withCudaGraphs(false));
            assertEquals(false, r.get("cuda_graphs"));
            assertTrue(((String) r.get("graph_capture")).contains("off (CompileOptions.cudaGraphs is false)"), (String) r.get("graph_capture"));
        }
    }
}
