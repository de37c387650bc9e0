package dev.jdnn.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a run's results into one directory: {@code results.json} + {@code results.md} for the JMH sets, and
 * {@code jdnn-throughput.json} (the schema of benchmarks/pytorch/compare.py, so side_by_side.py can join them) +
 * {@code throughput.md} for train-throughput, {@code profile-<model>-b<batch>.md} + {@code .json} for a profile.
 */
public final class ResultWriter {
    private final Path dir;

    public ResultWriter(Path dir) {
        this.dir = dir;
    }

    public Path dir() { return dir; }

    public Path writeMeasurements(Map<String, Object> meta, List<Measurement> measurements) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("meta", meta);
        doc.put("measurements", measurements.stream().map(Measurement::toMap).toList());
        write("results.json", Json.write(doc));
        return write("results.md", measurementTable(meta, measurements));
    }

    public Path writeThroughput(Map<String, Object> meta, List<Map<String, Object>> results) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("meta", meta);
        doc.put("results", results);
        write("throughput.md", throughputTable(meta, results));
        return write("jdnn-throughput.json", Json.write(doc));
    }

    /** A profile ({@code jdnn bench --profile}): {@code <stem>.md} and {@code <stem>.json}; returns the Markdown file. */
    public Path writeProfile(String stem, String markdown, Map<String, Object> json) {
        write(stem + ".json", Json.write(json));
        return write(stem + ".md", markdown);
    }

    static String measurementTable(Map<String, Object> meta, List<Measurement> ms) {
        StringBuilder sb = header("jdnn benchmarks", meta);
        sb.append("| set | benchmark | params | time | best iteration | rate | of ceiling |\n|---|---|---|---|---|---|---|\n");
        for (Measurement m : ms) {
            sb.append("| ").append(m.set()).append(" | ").append(m.benchmark()).append(" | ").append(m.params())
              .append(" | ").append(time(m.seconds(), m.error())).append(" | ").append(time(m.best(), Double.NaN)).append(" | ").append(rate(m.rate(), m.rateUnit()))
              .append(" | ").append(Double.isNaN(m.ofCeiling()) ? "" : String.format(Locale.ROOT, "%.1f %% of %s", 100 * m.ofCeiling(), m.ceiling()))
              .append(" |\n");
        }
        return sb.toString();
    }

    /**
     * One line per result: the row, what it computed in (precision and layout, marked when CUDA graphs were off or ops
     * fused), so that the lines of one row in several configurations can be told apart, and a failed row's error.
     */
    static String throughputTable(Map<String, Object> meta, List<Map<String, Object>> results) {
        StringBuilder sb = header("jdnn training throughput and inference latency", meta);
        sb.append("| row | configuration | model | batch | images/s | ms per step / batch | peak memory (MiB) |\n|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : results) {
            Object ms = r.containsKey("ms_per_step") ? r.get("ms_per_step") : r.get("latency_ms");
            String config = (Objects.toString(r.get("precision"), "") + " " + Objects.toString(r.get("layout"), "")).strip()
                    + (Boolean.FALSE.equals(r.get("cuda_graphs")) ? " (CUDA graphs off)" : "")
                    + (Objects.toString(r.get("fusion"), "").startsWith("fusion on") ? " (fused)" : "");
            String rate = r.containsKey("error") ? "error: " + Objects.toString(r.get("error")).lines().findFirst().orElse("") : fmt(r.get("images_per_s"), "%.1f");
            sb.append("| ").append(r.get("row")).append(" | ").append(config.strip()).append(" | ").append(r.get("model")).append(" | ").append(r.get("batch"))
              .append(" | ").append(rate).append(" | ").append(fmt(ms, "%.3f"))
              .append(" | ").append(r.get("peak_memory_bytes") instanceof Number n ? String.format(Locale.ROOT, "%.0f", n.doubleValue() / (1 << 20)) : "")
              .append(" |\n");
        }
        return sb.toString();
    }

    private static StringBuilder header(String title, Map<String, Object> meta) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
        meta.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        return sb.append('\n');
    }

    private static String fmt(Object v, String pattern) {
        return v instanceof Number n ? String.format(Locale.ROOT, pattern, n.doubleValue()) : "";
    }

    /** Mean time with an SI prefix, and JMH's error when it has one. */
    static String time(double seconds, double error) {
        if (Double.isNaN(seconds)) return "";
        String[] units = {"s", "ms", "us", "ns"};
        double scale = 1;
        int u = 0;
        while (u < units.length - 1 && seconds * scale < 1) {
            scale *= 1000;
            u++;
        }
        String t = String.format(Locale.ROOT, "%.3g %s", seconds * scale, units[u]);
        return Double.isNaN(error) ? t : t + String.format(Locale.ROOT, " ± %.2g", error * scale);
    }

    /** FLOP/s as GFLOP/s, B/s as GB/s (10^9). */
    static String rate(double rate, String unit) {
        if (Double.isNaN(rate) || unit.isEmpty()) return "";
        return String.format(Locale.ROOT, "%.1f G%s", rate / 1e9, unit);
    }

    private Path write(String name, String text) {
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve(name);
            Files.writeString(p, text);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }
}
