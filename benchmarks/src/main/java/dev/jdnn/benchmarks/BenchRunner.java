package dev.jdnn.benchmarks;

import dev.jdnn.benchmarks.ops.BenchBackends;
import dev.jdnn.benchmarks.train.ThroughputRow;
import dev.jdnn.benchmarks.train.TrainThroughput;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cuda.CudaBackend;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jdnn bench}: runs the chosen benchmark sets and writes a Markdown table and JSON under
 * benchmarks/results/&lt;date&gt;-&lt;device&gt;/ (see {@link BenchOptions#USAGE}). JMH sets run through JMH's Runner API
 * (each benchmark in a forked JVM); train-throughput runs in this JVM.
 */
public final class BenchRunner {
    private BenchRunner() {}

    public static void main(String[] args) throws Exception {
        if (BenchOptions.wantsHelp(args)) {
            System.out.print(BenchOptions.usage());
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("jdnn bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options, args));
    }

    static int run(BenchOptions options, String[] args) throws Exception {
        boolean cuda = BenchBackends.cudaAvailable();
        List<String> sets = new ArrayList<>(options.sets());
        if (!cuda) {
            System.err.println("jdnn bench: no usable CUDA device (" + CudaBackend.unavailableReason() + "): GPU benchmarks are left out");
            if (options.gpuOptional()) sets.remove("ops-gpu");
            if (sets.contains("ops-gpu")) {
                System.err.println("jdnn bench: --set ops-gpu needs a GPU");
                return 2;
            }
        }
        if (sets.contains("train-throughput") && options.device().equals("cuda") && !cuda) {
            System.err.println("jdnn bench: --device cuda needs a usable CUDA device");
            return 2;
        }
        Path dir = options.outDir() != null ? options.outDir()
                : Path.of("benchmarks", "results", LocalDate.now(ZoneOffset.UTC) + "-" + DeviceInfo.label(cuda));
        ResultWriter writer = new ResultWriter(dir);
        Map<String, Object> meta = DeviceInfo.meta(cuda, options, args);

        List<Measurement> measurements = new ArrayList<>();
        for (JmhSets.Job job : JmhSets.jobs(sets, options.quick(), cuda)) measurements.addAll(JmhSets.run(job, options.quick()));
        if (!measurements.isEmpty()) {
            List<Measurement> annotated = JmhSets.ceilings(measurements).annotate(measurements);
            Path md = writer.writeMeasurements(meta, annotated);
            System.out.println(ResultWriter.measurementTable(meta, annotated));
            System.out.println("jdnn bench: wrote " + md + " and results.json");
        }
        if (sets.contains("train-throughput")) {
            List<Map<String, Object>> results = throughput(options, cuda);
            Path json = writer.writeThroughput(meta, results);
            System.out.println(ResultWriter.throughputTable(meta, results));
            System.out.println("jdnn bench: wrote " + json + " and throughput.md");
        }
        return 0;
    }

    /** Every requested row on a fresh backend (so its peak memory is the row's own); a failing row records its error. */
    static List<Map<String, Object>> throughput(BenchOptions options, boolean cuda) {
        String device = options.device().equals("auto") ? (cuda ? "cuda" : "cpu") : options.device();
        List<String> rows = !options.rows().isEmpty() ? options.rows()
                : device.equals("cuda") ? ThroughputRow.gpuDefaultRows() : ThroughputRow.CPU_DEFAULT_ROWS;
        TrainThroughput.Settings settings = TrainThroughput.Settings.of(options.quick());
        List<Map<String, Object>> results = new ArrayList<>();
        for (String name : rows) {
            ThroughputRow row = ThroughputRow.of(name);
            for (boolean graphs : options.graphSettings()) {
                System.err.println("jdnn bench: " + name + " on " + device + (graphs ? "" : ", CUDA graphs off") + "...");
                try (Backend backend = BenchBackends.open(device)) {
                    results.add(TrainThroughput.run(row, backend, settings, graphs));
                } catch (RuntimeException | OutOfMemoryError e) {
                    Map<String, Object> failed = new LinkedHashMap<>();
                    failed.put("row", name);
                    failed.put("kind", row.kindName());
                    failed.put("model", row.model());
                    failed.put("batch", row.batch());
                    failed.put("framework", "jdnn");
                    failed.put("cuda_graphs", graphs);
                    failed.put("error", String.valueOf(e));
                    results.add(failed);
                    System.err.println("jdnn bench: " + name + " failed: " + e);
                }
                System.err.println("jdnn bench: " + results.getLast());
            }
        }
        return results;
    }
}
