package dev.jdnn.benchmarks;

import dev.jdnn.benchmarks.ops.BenchBackends;
import dev.jdnn.benchmarks.profile.ProfileOptions;
import dev.jdnn.benchmarks.profile.ProfileReport;
import dev.jdnn.benchmarks.profile.ProfileRun;
import dev.jdnn.benchmarks.train.ThroughputRow;
import dev.jdnn.benchmarks.train.TrainThroughput;
import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cuda.CudaBackend;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jdnn bench}: runs the chosen benchmark sets and writes a Markdown table and JSON under
 * benchmarks/results/&lt;date&gt;-&lt;device&gt;/. JMH sets run through JMH's Runner API (each benchmark in a forked
 * JVM); train-throughput runs in this JVM. With {@code --profile}, instead, one model's step is profiled node by node
 * ({@link ProfileRun}). A sub-command of the {@code jdnn} command line, and on its own the main class the GPU
 * bundle's scripts run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run benchmarks (JMH sets, training throughput) and write Markdown and JSON results; "
                + "or, with --profile, where one model's training step spends its time, node by node.")
public final class BenchRunner implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--set", split = ",", paramLabel = "SET",
            description = "downcall, gemm, ops-cpu, ops-gpu, train-throughput or all (default: downcall). gemm: the ceilings "
                    + "(CPU FMA peak and copy bandwidth; on a GPU large SGEMM FP32/TF32 and device-to-device copy); ops-*: per-layer "
                    + "forward/backward at ResNet-50/MobileNetV2 shapes; train-throughput: images/s and latency for the PyTorch-comparison rows.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--quick", description = "Short runs and small batches (a smoke test, not numbers to publish); with --profile, small CPU ceilings.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Result directory (default: benchmarks/results/<date>-<device>/).")
    Path out;

    @Option(names = "--rows", split = ",", paramLabel = "ROW", description = "train-throughput rows (default: all rows on CUDA, the CPU rows on the CPU).")
    List<String> rows = new ArrayList<>();

    @Option(names = "--device", defaultValue = "auto", description = "Backend for train-throughput and --profile: auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--deterministic", description = "train-throughput on CUDA in deterministic mode (deterministic cuDNN algorithms, "
            + "chosen by heuristics rather than timing), as `jdnn train --deterministic` runs; off by default (fastest).")
    boolean deterministic;

    @Option(names = "--graphs", defaultValue = "on",
            description = "train-throughput with CUDA graphs on, off, or both (each row twice, the graphs-off result marked \"cuda_graphs\": false); "
                    + "no effect on the CPU (default: ${DEFAULT-VALUE}).")
    String graphs;

    @Option(names = "--fusion", defaultValue = "off",
            description = "train-throughput and --profile with cuDNN's fused conv + batch norm + ReLU graphs off (the default until they are "
                    + "verified on a GPU) or auto (on for CUDA; float32 NCHW compiles only); train-throughput also both (each row twice, off "
                    + "then auto; the result's \"fusion\" field says what fused); no effect on the CPU (default: ${DEFAULT-VALUE}).")
    String fusion;

    @Option(names = "--precision", split = ",", paramLabel = "P",
            description = "train-throughput and --profile in fp32 (strict), tf32, bf16, fp16, a list, or all (train-throughput: each row once per "
                    + "precision; results carry \"precision\"); --profile takes one (default: tf32, float32 on the CPU).")
    List<String> precision = new ArrayList<>();

    @Option(names = "--layout", split = ",", paramLabel = "L",
            description = "train-throughput and --profile with activations in auto (nhwc on GPUs with tensor cores), nchw, nhwc, a list, or both "
                    + "(nchw and nhwc; results carry \"layout\"); --profile takes one (default: auto).")
    List<String> layout = new ArrayList<>();

    @Option(names = "--profile",
            description = "Instead of --set: profile one model's training step node by node (eagerly, every node call between two CUDA events, "
                    + "or the clock on the CPU): device ms forward and backward, share of the step, TFLOP/s or GB/s against this device's "
                    + "GEMM and copy ceilings, the convolution algorithms; by op kind and per node. Writes profile-<model>-b<batch>.md and .json.")
    boolean profile;

    @Option(names = "--model", paramLabel = "NAME", description = "--profile: the zoo model (see jdnn models).")
    String model;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "--profile: batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--input", paramLabel = "CxHxW", description = "--profile: input sample shape (default: the model's own, e.g. 3x224x224).")
    String input;

    @Option(names = "--classes", paramLabel = "N", description = "--profile: classes (default: 10 for the MNIST and CIFAR models, else 1000).")
    Integer classes;

    @Option(names = "--steps", paramLabel = "K", defaultValue = "10", description = "--profile: steps measured, each way (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "3", description = "--profile: warm-up steps before each measurement (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--top", paramLabel = "N", defaultValue = "0", description = "--profile: list only the N slowest nodes (default: all).")
    int top;

    @Option(names = "--order", paramLabel = "ORDER", defaultValue = "time",
            description = "--profile: the node table slowest first (time) or in execution order (execution) (default: ${DEFAULT-VALUE}).")
    String order;

    @Option(names = "--eval", description = "--profile: the evaluation forward (inference) instead of the training step.")
    boolean eval;

    /** The options only --profile reads; {@link #sets} etc. are what it leaves out. */
    private static final List<String> PROFILE_ONLY = List.of("--model", "--batch", "--input", "--classes", "--steps", "--warmup", "--top", "--order", "--eval");
    private static final List<String> NOT_WITH_PROFILE = List.of("--set", "--rows", "--graphs");

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchRunner()).execute(args));
    }

    /** The validated options of a command line (a usage error names the bad argument). */
    BenchOptions options() {
        try {
            return BenchOptions.of(sets, quick, out, rows, device, graphs, fusion, deterministic, precision, layout);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The validated --profile options, or null without --profile (an option that needs it, or conflicts with it, is a usage error). */
    ProfileOptions profileOptions() {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        List<String> wrong = (profile ? NOT_WITH_PROFILE : PROFILE_ONLY).stream().filter(parsed::hasMatchedOption).toList();
        if (!wrong.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), profile ? "--profile runs alone: leave out " + String.join(", ", wrong)
                    : String.join(", ", wrong) + (wrong.size() == 1 ? " is" : " are") + " for --profile only");
        }
        if (!profile) return null;
        if (fusion.equals("both")) throw new CommandLine.ParameterException(spec.commandLine(), "--profile profiles one compile: --fusion auto or off");
        BenchOptions o = options();
        if (o.precisions().size() > 1 || o.layouts().size() > 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--profile profiles one compile: one --precision and one --layout");
        }
        try {
            return ProfileOptions.of(model, batch, input, classes, warmup, steps, top, order, eval);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (spec.parent() != null && !args.isEmpty() && args.getFirst().equals(spec.name())) args.removeFirst(); // run as "jdnn bench ..."
        ProfileOptions p = profileOptions();
        String[] given = args.toArray(String[]::new);
        return p != null ? runProfile(p, options(), given) : run(options(), given);
    }

    /** Profiles one model's step on the chosen device; prints the Markdown report and writes it with its JSON. */
    static int runProfile(ProfileOptions p, BenchOptions options, String[] args) {
        boolean cuda = BenchBackends.cudaAvailable();
        if (options.device().equals("cuda") && !cuda) {
            System.err.println("jdnn bench: --device cuda needs a usable CUDA device (" + CudaBackend.unavailableReason() + ")");
            return 2;
        }
        String device = options.device().equals("auto") ? (cuda ? "cuda" : "cpu") : options.device();
        System.err.println("jdnn bench: profiling " + p.model() + " " + p.input() + " on " + device + "...");
        ProfileReport report;
        CompileOptions compile = options.compileSettings().getFirst();
        try (Backend backend = BenchBackends.open(device, options.deterministic(), compile.precision())) {
            report = ProfileRun.run(p, backend, options.quick(), DeviceInfo.meta(device.equals("cuda"), options, args), compile);
        }
        String markdown = report.markdown(p.top(), p.executionOrder());
        Path md = new ResultWriter(resultDir(options, device.equals("cuda"))).writeProfile(p.fileStem(), markdown, report.json());
        System.out.println(markdown);
        System.out.println("jdnn bench: wrote " + md + " and " + p.fileStem() + ".json");
        return 0;
    }

    /** --out, or benchmarks/results/&lt;date&gt;-&lt;device&gt;/. */
    private static Path resultDir(BenchOptions options, boolean cuda) {
        return options.outDir() != null ? options.outDir()
                : Path.of("benchmarks", "results", LocalDate.now(ZoneOffset.UTC) + "-" + DeviceInfo.label(cuda));
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
        ResultWriter writer = new ResultWriter(resultDir(options, cuda));
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
            for (CompileOptions compile : options.compileSettings()) {
                System.err.println("jdnn bench: " + name + " on " + device + ", " + compile.precision().label() + " " + compile.layout().label()
                        + (compile.cudaGraphs() ? "" : ", CUDA graphs off") + (compile.fusion() == CompileOptions.FusionMode.OFF ? "" : ", fusion " + compile.fusion().name().toLowerCase(java.util.Locale.ROOT)) + "...");
                try (Backend backend = BenchBackends.open(device, options.deterministic(), compile.precision())) {
                    results.add(TrainThroughput.run(row, backend, settings, compile));
                } catch (RuntimeException | OutOfMemoryError e) {
                    Map<String, Object> failed = new LinkedHashMap<>();
                    failed.put("row", name);
                    failed.put("kind", row.kindName());
                    failed.put("model", row.model());
                    failed.put("batch", row.batch());
                    failed.put("framework", "jdnn");
                    failed.put("precision", compile.precision().label());
                    failed.put("layout", compile.layout().label());
                    failed.put("cuda_graphs", compile.cudaGraphs());
                    failed.put("fusion", compile.fusion().name().toLowerCase(java.util.Locale.ROOT));
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
