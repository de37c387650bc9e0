package dev.jdnn.benchmarks;

import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.networks.graph.CompileOptions.Layout;
import dev.jdnn.networks.graph.CompileOptions.Precision;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code jdnn bench} ({@link BenchRunner}) was asked to run, validated.
 *
 * @param sets   what to run, in order (never "all": that is expanded here)
 * @param quick  short warm-up and measurement, smallest batches: a smoke run, not numbers to publish
 * @param outDir where results go, or null for benchmarks/results/&lt;date&gt;-&lt;device&gt;/
 * @param rows   train-throughput rows (empty: the default rows for the device)
 * @param device train-throughput backend: "auto" (CUDA when usable), "cpu" or "cuda"
 * @param gpuOptional the sets came from "all": GPU-only sets are left out (with a note) where no GPU is usable,
 *                    instead of failing as an explicit {@code --set ops-gpu} does
 * @param graphs train-throughput with CUDA graphs "on" (the compile default), "off", or "both" (each row twice)
 * @param fusion train-throughput with fused ops "off" (the compile default until cuDNN's fused engines are verified on
 *               a GPU), "auto" (on for CUDA), or "both" (off, then auto)
 * @param deterministic train-throughput on a CUDA backend in deterministic mode (deterministic cuDNN algorithms,
 *                      chosen by heuristics; see CudaBackend.Options)
 * @param precisions the precisions each row runs in, in order (fp32, tf32, bf16, fp16; "all" expanded)
 * @param layouts    the activation layouts each row runs in, in order (auto, nchw, nhwc; "both" expanded to nchw, nhwc)
 */
public record BenchOptions(List<String> sets, boolean quick, Path outDir, List<String> rows, String device, boolean gpuOptional, String graphs,
                           String fusion, boolean deterministic, List<Precision> precisions, List<Layout> layouts) {
    public static final List<String> SETS = List.of("downcall", "gemm", "ops-cpu", "ops-gpu", "train-throughput");
    public static final List<String> DEVICES = List.of("auto", "cpu", "cuda");
    public static final List<String> GRAPHS = List.of("on", "off", "both");
    public static final List<String> FUSION = List.of("off", "auto", "both");

    public BenchOptions {
        for (String set : sets) if (!SETS.contains(set)) throw new IllegalArgumentException("--set: unknown set '" + set + "'; valid: " + String.join(", ", SETS) + ", all");
        if (!DEVICES.contains(device)) throw new IllegalArgumentException("--device: unknown device '" + device + "'; valid: " + DEVICES);
        if (!GRAPHS.contains(graphs)) throw new IllegalArgumentException("--graphs: unknown mode '" + graphs + "'; valid: " + GRAPHS);
        if (!FUSION.contains(fusion)) throw new IllegalArgumentException("--fusion: unknown mode '" + fusion + "'; valid: " + FUSION);
        if (precisions.isEmpty() || layouts.isEmpty()) throw new IllegalArgumentException("--precision and --layout need at least one value");
        sets = List.copyOf(sets);
        rows = List.copyOf(rows);
        precisions = List.copyOf(new LinkedHashSet<>(precisions));
        layouts = List.copyOf(new LinkedHashSet<>(layouts));
    }

    /**
     * From the command line's values: "all" expands to every set (GPU sets then optional); no set means downcall.
     * {@code precisions}: fp32, tf32, bf16, fp16 or all (empty: tf32, the default); {@code layouts}: auto, nchw, nhwc or
     * both (empty: auto).
     */
    public static BenchOptions of(List<String> requestedSets, boolean quick, Path outDir, List<String> rows, String device, String graphs,
                                  String fusion, boolean deterministic, List<String> precisions, List<String> layouts) {
        Set<String> sets = new LinkedHashSet<>();
        boolean all = false;
        for (String s : requestedSets) {
            if (s.equals("all")) {
                sets.addAll(SETS);
                all = true;
            } else sets.add(s);
        }
        if (sets.isEmpty()) sets.add("downcall");
        return new BenchOptions(new ArrayList<>(sets), quick, outDir, rows, device, all, graphs, fusion, deterministic, precisions(precisions), layouts(layouts));
    }

    private static List<Precision> precisions(List<String> names) {
        if (names.isEmpty()) return List.of(CompileOptions.DEFAULT.precision());
        List<Precision> out = new ArrayList<>();
        for (String n : names) {
            if (n.equals("all")) out.addAll(List.of(Precision.values()));
            else {
                try {
                    out.add(Precision.parse(n));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--precision: unknown precision '" + n + "'; valid: fp32, tf32, bf16, fp16, all");
                }
            }
        }
        return out;
    }

    private static List<Layout> layouts(List<String> names) {
        if (names.isEmpty()) return List.of(CompileOptions.DEFAULT.layout());
        List<Layout> out = new ArrayList<>();
        for (String n : names) {
            switch (n) {
                case "both" -> out.addAll(List.of(Layout.NCHW, Layout.NHWC));
                case "auto", "nchw", "nhwc" -> out.add(Layout.valueOf(n.toUpperCase(java.util.Locale.ROOT)));
                default -> throw new IllegalArgumentException("--layout: unknown layout '" + n + "'; valid: auto, nchw, nhwc, both");
            }
        }
        return out;
    }

    /** The CUDA-graph settings each train-throughput row runs with, in order. */
    public List<Boolean> graphSettings() {
        return switch (graphs) {
            case "off" -> List.of(false);
            case "both" -> List.of(true, false);
            default -> List.of(true);
        };
    }

    /** The fusion settings each train-throughput row runs with, in order. */
    public List<CompileOptions.FusionMode> fusionSettings() {
        return switch (fusion) {
            case "auto" -> List.of(CompileOptions.FusionMode.AUTO);
            case "both" -> List.of(CompileOptions.FusionMode.OFF, CompileOptions.FusionMode.AUTO);
            default -> List.of(CompileOptions.FusionMode.OFF);
        };
    }

    /**
     * Every compile each train-throughput row runs with, in this order: per precision, per layout, the CUDA-graph
     * settings, each with every fusion setting.
     */
    public List<CompileOptions> compileSettings() {
        List<CompileOptions> out = new ArrayList<>();
        for (Precision p : precisions) {
            for (Layout l : layouts) {
                for (boolean g : graphSettings()) {
                    for (CompileOptions.FusionMode f : fusionSettings()) {
                        out.add(CompileOptions.DEFAULT.withPrecision(p).withLayout(l).withCudaGraphs(g).withFusion(f));
                    }
                }
            }
        }
        return out;
    }
}
