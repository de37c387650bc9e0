package dev.jdnn.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line of {@code jdnn bench} / {@link BenchRunner}.
 *
 * @param sets   what to run, in order (never "all": that is expanded here)
 * @param quick  short warm-up and measurement, smallest batches: a smoke run, not numbers to publish
 * @param outDir where results go, or null for benchmarks/results/&lt;date&gt;-&lt;device&gt;/
 * @param rows   train-throughput rows (empty: the default rows for the device)
 * @param device train-throughput backend: "auto" (CUDA when usable), "cpu" or "cuda"
 * @param gpuOptional the sets came from "all": GPU-only sets are left out (with a note) where no GPU is usable,
 *                    instead of failing as an explicit {@code --set ops-gpu} does
 * @param graphs train-throughput with CUDA graphs "on" (the compile default), "off", or "both" (each row twice)
 */
public record BenchOptions(List<String> sets, boolean quick, Path outDir, List<String> rows, String device, boolean gpuOptional, String graphs) {
    public static final List<String> SETS = List.of("downcall", "gemm", "ops-cpu", "ops-gpu", "train-throughput");
    public static final List<String> DEVICES = List.of("auto", "cpu", "cuda");
    public static final List<String> GRAPHS = List.of("on", "off", "both");

    public static final String USAGE = """
            usage: jdnn bench [--set SET[,SET...]] [--quick] [--out DIR] [--rows ROW[,ROW...]] [--device auto|cpu|cuda]
                              [--graphs on|off|both]
              --set     downcall | gemm | ops-cpu | ops-gpu | train-throughput | all   (default: downcall)
                        gemm: the ceilings (CPU FMA peak and copy bandwidth; on a GPU large SGEMM FP32/TF32 and
                        device-to-device copy); ops-*: per-layer forward/backward at ResNet-50/MobileNetV2 shapes;
                        train-throughput: images/s and latency for the PyTorch-comparison rows
              --quick   short runs and small batches (a smoke test)
              --out     result directory (default benchmarks/results/<date>-<device>/)
              --rows    train-throughput rows (default: all rows on CUDA, %s on the CPU)
              --device  backend for train-throughput (default auto: CUDA when usable)
              --graphs  train-throughput with CUDA graphs (recorded, replayed steps) on, off, or both (each row twice,
                        the graphs-off result marked "cuda_graphs": false); default on. No effect on the CPU.
            """;

    /** Parses the arguments; bad input gets an IllegalArgumentException naming the argument and the valid values. */
    public static BenchOptions parse(String... args) {
        Set<String> sets = new LinkedHashSet<>();
        boolean quick = false;
        Path out = null;
        List<String> rows = new ArrayList<>();
        String device = "auto";
        String graphs = "on";
        boolean all = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--set" -> {
                    for (String s : value(args, ++i, a).split(",")) {
                        if (s.equals("all")) {
                            sets.addAll(SETS);
                            all = true;
                        } else if (SETS.contains(s)) sets.add(s);
                        else throw new IllegalArgumentException("--set: unknown set '" + s + "'; valid: " + String.join(", ", SETS) + ", all");
                    }
                }
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--rows" -> rows.addAll(List.of(value(args, ++i, a).split(",")));
                case "--device" -> {
                    device = value(args, ++i, a);
                    if (!DEVICES.contains(device)) throw new IllegalArgumentException("--device: unknown device '" + device + "'; valid: " + DEVICES);
                }
                case "--graphs" -> {
                    graphs = value(args, ++i, a);
                    if (!GRAPHS.contains(graphs)) throw new IllegalArgumentException("--graphs: unknown mode '" + graphs + "'; valid: " + GRAPHS);
                }
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'\n" + usage());
            }
        }
        if (sets.isEmpty()) sets.add("downcall");
        return new BenchOptions(List.copyOf(sets), quick, out, List.copyOf(rows), device, all, graphs);
    }

    /** The CUDA-graph settings each train-throughput row runs with, in order. */
    public List<Boolean> graphSettings() {
        return switch (graphs) {
            case "off" -> List.of(false);
            case "both" -> List.of(true, false);
            default -> List.of(true);
        };
    }

    public static String usage() {
        return USAGE.formatted(String.join(",", dev.jdnn.benchmarks.train.ThroughputRow.CPU_DEFAULT_ROWS));
    }

    public static boolean wantsHelp(String... args) {
        return List.of(args).contains("--help") || List.of(args).contains("-h");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }
}
