package dev.jdnn.benchmarks;

import dev.jdnn.networks.graph.CompileOptions;

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
 * @param fusion train-throughput with fused ops "auto" (the compile default: on for CUDA), "off", or "both"
 * @param deterministic train-throughput on a CUDA backend in deterministic mode (deterministic cuDNN algorithms,
 *                      chosen by heuristics; see CudaBackend.Options)
 */
public record BenchOptions(List<String> sets, boolean quick, Path outDir, List<String> rows, String device, boolean gpuOptional, String graphs,
                           String fusion, boolean deterministic) {
    public static final List<String> SETS = List.of("downcall", "gemm", "ops-cpu", "ops-gpu", "train-throughput");
    public static final List<String> DEVICES = List.of("auto", "cpu", "cuda");
    public static final List<String> GRAPHS = List.of("on", "off", "both");
    public static final List<String> FUSION = List.of("auto", "off", "both");

    public BenchOptions {
        for (String set : sets) if (!SETS.contains(set)) throw new IllegalArgumentException("--set: unknown set '" + set + "'; valid: " + String.join(", ", SETS) + ", all");
        if (!DEVICES.contains(device)) throw new IllegalArgumentException("--device: unknown device '" + device + "'; valid: " + DEVICES);
        if (!GRAPHS.contains(graphs)) throw new IllegalArgumentException("--graphs: unknown mode '" + graphs + "'; valid: " + GRAPHS);
        if (!FUSION.contains(fusion)) throw new IllegalArgumentException("--fusion: unknown mode '" + fusion + "'; valid: " + FUSION);
        sets = List.copyOf(sets);
        rows = List.copyOf(rows);
    }

    /** From the command line's values: "all" expands to every set (GPU sets then optional); no set means downcall. */
    public static BenchOptions of(List<String> requestedSets, boolean quick, Path outDir, List<String> rows, String device, String graphs,
                                  String fusion, boolean deterministic) {
        Set<String> sets = new LinkedHashSet<>();
        boolean all = false;
        for (String s : requestedSets) {
            if (s.equals("all")) {
                sets.addAll(SETS);
                all = true;
            } else sets.add(s);
        }
        if (sets.isEmpty()) sets.add("downcall");
        return new BenchOptions(new ArrayList<>(sets), quick, outDir, rows, device, all, graphs, fusion, deterministic);
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
            case "off" -> List.of(CompileOptions.FusionMode.OFF);
            case "both" -> List.of(CompileOptions.FusionMode.AUTO, CompileOptions.FusionMode.OFF);
            default -> List.of(CompileOptions.FusionMode.AUTO);
        };
    }

    /** Every compile each train-throughput row runs with: the CUDA-graph settings, each with every fusion setting. */
    public List<CompileOptions> compileSettings() {
        List<CompileOptions> out = new ArrayList<>();
        for (boolean g : graphSettings()) for (CompileOptions.FusionMode f : fusionSettings()) out.add(CompileOptions.DEFAULT.withCudaGraphs(g).withFusion(f));
        return out;
    }
}
