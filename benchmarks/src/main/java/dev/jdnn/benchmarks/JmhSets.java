package dev.jdnn.benchmarks;

import dev.jdnn.benchmarks.ops.CopyBandwidthBenchmark;
import dev.jdnn.benchmarks.ops.GemmCeilingBenchmark;
import dev.jdnn.benchmarks.ops.OpCase;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JMH sets of {@code jdnn bench}: which benchmark classes with which parameters, and the conversion of JMH's
 * results into {@link Measurement}s with rates. CUDA parameter values are only ever passed when a GPU is usable
 * (JMH cannot skip a combination), and the op sets always include the ceilings they are compared against.
 */
public final class JmhSets {
    private static final String PKG = "dev.jdnn.benchmarks.";

    /** One JMH invocation: a benchmark class (regex on the class name) with parameter overrides. */
    public record Job(String set, String benchmarkClass, Map<String, List<String>> params) {
        String include() {
            return "^" + (PKG + benchmarkClass).replace(".", "\\.") + "\\.";
        }
    }

    private JmhSets() {}

    /** The jobs for the chosen sets, ceilings first, without repeats. Throws when a GPU set is asked for without a GPU. */
    public static List<Job> jobs(List<String> sets, boolean quick, boolean cuda) {
        Set<Job> jobs = new LinkedHashSet<>();
        for (String set : sets) {
            switch (set) {
                case "downcall" -> {
                    jobs.add(new Job(set, "ffm.DowncallBenchmark", Map.of()));
                    if (cuda) jobs.add(new Job(set, "ffm.CudnnLaunchBenchmark", Map.of()));
                }
                case "gemm" -> {
                    jobs.addAll(cpuCeilings(quick));
                    if (cuda) jobs.addAll(gpuCeilings(quick));
                }
                case "ops-cpu" -> {
                    jobs.addAll(cpuCeilings(quick));
                    jobs.add(new Job("ops-cpu", "ops.OpsBenchmark", Map.of("backend", List.of("cpu"),
                            "batch", quick ? List.of("1") : List.of("1", "32"))));
                }
                case "ops-gpu" -> {
                    if (!cuda) throw new IllegalStateException("--set ops-gpu needs a usable CUDA device: " + dev.jdnn.ops.cuda.CudaBackend.unavailableReason());
                    jobs.addAll(gpuCeilings(quick));
                    jobs.add(new Job("ops-gpu", "ops.OpsBenchmark", Map.of("backend", List.of("cuda"),
                            "batch", quick ? List.of("32") : List.of("1", "32", "256"))));
                }
                case "train-throughput" -> { /* not JMH: see TrainThroughput */ }
                default -> throw new IllegalArgumentException("unknown set " + set);
            }
        }
        return List.copyOf(jobs);
    }

    private static List<Job> cpuCeilings(boolean quick) {
        return List.of(new Job("gemm", "cpu.PeakFlopsBenchmark", Map.of()),
                new Job("gemm", "ops.CopyBandwidthBenchmark", Map.of("backend", List.of("cpu"), "mib", List.of(quick ? "64" : "256"))));
    }

    private static List<Job> gpuCeilings(boolean quick) {
        return List.of(new Job("gemm", "ops.GemmCeilingBenchmark", Map.of("backend", List.of("cuda", "cuda-fp32"), "n", List.of(quick ? "4096" : "8192"))),
                new Job("gemm", "ops.CopyBandwidthBenchmark", Map.of("backend", List.of("cuda"), "mib", List.of(quick ? "256" : "1024"))));
    }

    /** Runs one job with JMH and converts its results. */
    public static List<Measurement> run(Job job, boolean quick) throws RunnerException {
        ChainedOptionsBuilder b = new OptionsBuilder().include(job.include()).shouldFailOnError(true);
        job.params().forEach((k, v) -> b.param(k, v.toArray(String[]::new)));
        if (quick) {
            b.warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
             .measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
        }
        List<Measurement> out = new ArrayList<>();
        for (RunResult rr : new Runner(b.build()).run()) out.add(convert(job.set(), rr));
        return out;
    }

    static Measurement convert(String set, RunResult rr) {
        var p = rr.getParams();
        String full = p.getBenchmark();
        String[] parts = full.split("\\.");
        String shortName = parts[parts.length - 2] + "." + parts[parts.length - 1];
        Map<String, String> params = new LinkedHashMap<>();
        for (String k : p.getParamsKeys()) params.put(k, p.getParam(k));
        Result<?> primary = rr.getPrimaryResult();
        double seconds = toSeconds(primary.getScore(), primary.getScoreUnit());
        double error = toSeconds(primary.getScoreError(), primary.getScoreUnit());
        double best = toSeconds(primary.getStatistics().getMin(), primary.getScoreUnit());
        Rate r = rate(shortName, params, seconds, rr);
        return new Measurement(set, shortName, formatParams(params), seconds, error, best, r.perSecond, r.unit, null, Double.NaN);
    }

    private record Rate(double perSecond, String unit) {}

    /** Useful work per second for the benchmarks that have one. */
    private static Rate rate(String name, Map<String, String> params, double seconds, RunResult rr) {
        if (name.startsWith("OpsBenchmark.")) {
            OpCase c = OpCase.parse(params.get("op"));
            double work = c.work(Integer.parseInt(params.get("batch")), name.endsWith(".backward"));
            return new Rate(work / seconds, c.workUnit() + "/s");
        }
        if (name.startsWith("GemmCeilingBenchmark.")) return new Rate(GemmCeilingBenchmark.flops(Integer.parseInt(params.get("n"))) / seconds, "FLOP/s");
        if (name.startsWith("CopyBandwidthBenchmark.")) return new Rate(CopyBandwidthBenchmark.bytes(Integer.parseInt(params.get("mib"))) / seconds, "B/s");
        Result<?> flops = rr.getSecondaryResults().get("flops");
        if (flops != null) return new Rate(flops.getScore() * perSecondFactor(flops.getScoreUnit()), "FLOP/s");
        return new Rate(Double.NaN, "");
    }

    /** Collects the ceilings from measurements of the ceiling benchmarks. */
    public static Ceilings ceilings(List<Measurement> ms) {
        Ceilings c = new Ceilings();
        for (Measurement m : ms) {
            String backend = param(m.params(), "backend");
            switch (m.benchmark()) {
                case "PeakFlopsBenchmark.fmaPeak" -> c.put(Ceilings.CPU_FP32_PEAK, m.rate());
                case "CopyBandwidthBenchmark.copy" -> c.put("cpu".equals(backend) ? Ceilings.CPU_COPY : Ceilings.CUDA_COPY, m.rate());
                case "GemmCeilingBenchmark.sgemm" -> c.put("cuda".equals(backend) ? Ceilings.CUDA_TF32_GEMM : Ceilings.CUDA_FP32_GEMM, m.rate());
                default -> { }
            }
        }
        return c;
    }

    /** "k=v k2=v2" — stable and easy to grep. */
    static String formatParams(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }

    /** The value of {@code key} in a {@link #formatParams} string, or null. */
    static String param(String params, String key) {
        for (String kv : params.split(" ")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(key)) return kv.substring(eq + 1);
        }
        return null;
    }

    /** JMH time units ("ns/op", "us/op", "ms/op", "s/op") to seconds; NaN for rates (ops/s) and unknown units. */
    static double toSeconds(double score, String unit) {
        return switch (unit) {
            case "ns/op" -> score * 1e-9;
            case "us/op" -> score * 1e-6;
            case "ms/op" -> score * 1e-3;
            case "s/op" -> score;
            default -> Double.NaN;
        };
    }

    /** JMH rate units ("ops/s", "ops/ms", "ops/us", "ops/ns") to a factor that makes them per second. */
    static double perSecondFactor(String unit) {
        return switch (unit) {
            case "ops/s" -> 1;
            case "ops/ms" -> 1e3;
            case "ops/us" -> 1e6;
            case "ops/ns" -> 1e9;
            default -> Double.NaN;
        };
    }

}
