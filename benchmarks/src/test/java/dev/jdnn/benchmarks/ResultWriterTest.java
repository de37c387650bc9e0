package dev.jdnn.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ResultWriterTest {
    @Test
    void writesMarkdownAndJsonIntoANewDirectory(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("results/2026-01-01-cpu");
        Measurement m = new Measurement("ops-cpu", "OpsBenchmark.forward", "backend=cpu op=RN50_FC batch=1",
                2e-3, 1e-4, 1.5e-3, 4e9, "FLOP/s", null, Double.NaN).withCeiling(Ceilings.CPU_FP32_PEAK, 16e9);
        new ResultWriter(dir).writeMeasurements(Map.of("device", "cpu"), List.of(m));
        String md = Files.readString(dir.resolve("results.md"));
        assertTrue(md.contains("| ops-cpu | OpsBenchmark.forward | backend=cpu op=RN50_FC batch=1 | 2.00 ms ± 0.10 | 1.50 ms | 4.0 GFLOP/s | 25.0 % of cpu-fp32-fma-peak |"), md);
        String json = Files.readString(dir.resolve("results.json"));
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertEquals(0.25, tree.get("measurements").get(0).get("of_ceiling").asDouble(), json);
        assertEquals("cpu", tree.get("meta").get("device").asText(), json);
    }

    @Test
    void throughputUsesComparePySchema(@TempDir Path tmp) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("row", "cifar_resnet20_train_b32");
        r.put("kind", "train");
        r.put("model", "resnet20");
        r.put("batch", 32);
        r.put("images_per_s", 64.0);
        r.put("ms_per_step", 500.0);
        r.put("peak_memory_bytes", 3L << 20);
        new ResultWriter(tmp).writeThroughput(Map.of(), List.of(r));
        String json = Files.readString(tmp.resolve("jdnn-throughput.json"));
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertEquals(List.of("meta", "results"), tree.properties().stream().map(Map.Entry::getKey).toList(), json);
        assertEquals(64.0, tree.get("results").get(0).get("images_per_s").asDouble());
        assertTrue(Files.readString(tmp.resolve("throughput.md")).contains("| cifar_resnet20_train_b32 |  | resnet20 | 32 | 64.0 | 500.000 | 3 |"));
    }

    /** One row in several configurations (--precision, --layout, --graphs, --fusion): each line says which it is. */
    @Test
    void eachConfigurationOfARowHasItsOwnLine() {
        List<Map<String, Object>> results = new java.util.ArrayList<>();
        for (String config : List.of("tf32 nchw on off", "bf16 nhwc on off", "tf32 nchw off off", "tf32 nchw on on")) {
            String[] c = config.split(" ");
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("row", "cifar_resnet20_train_b128");
            r.put("model", "resnet20");
            r.put("batch", 128);
            r.put("images_per_s", 100.0);
            r.put("ms_per_step", 1280.0);
            r.put("precision", c[0]);
            r.put("layout", c[1]);
            r.put("cuda_graphs", c[2].equals("on"));
            r.put("fusion", c[3].equals("on") ? "fusion on: training 19 of 19 groups fused" : "fusion off");
            results.add(r);
        }
        Map<String, Object> failed = new LinkedHashMap<>(results.getFirst());
        failed.remove("images_per_s");
        failed.remove("ms_per_step");
        failed.put("precision", "fp16");
        failed.put("error", "out of memory\nat ...");
        results.add(failed);
        String md = ResultWriter.throughputTable(Map.of(), results);
        for (String line : List.of("| cifar_resnet20_train_b128 | tf32 nchw | resnet20 | 128 | 100.0 | 1280.000 |",
                "| cifar_resnet20_train_b128 | bf16 nhwc | resnet20 |", "| cifar_resnet20_train_b128 | tf32 nchw (CUDA graphs off) | resnet20 |",
                "| cifar_resnet20_train_b128 | tf32 nchw (fused) | resnet20 |", "| cifar_resnet20_train_b128 | fp16 nchw | resnet20 | 128 | error: out of memory |  |")) {
            assertTrue(md.contains(line), line + " in\n" + md);
        }
    }

    @Test
    void timesAndRatesAreHumanSized() {
        assertEquals("1.50 us", ResultWriter.time(1.5e-6, Double.NaN));
        assertEquals("75.9 ns ± 2.0", ResultWriter.time(75.9e-9, 2e-9));
        assertEquals("2.00 s", ResultWriter.time(2, Double.NaN));
        assertEquals("", ResultWriter.time(Double.NaN, Double.NaN));
        assertEquals("12.3 GB/s", ResultWriter.rate(12.34e9, "B/s"));
        assertEquals("", ResultWriter.rate(Double.NaN, "B/s"));
    }
}
