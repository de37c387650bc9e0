package dev.jdnn.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device ceilings measured in the same run, and the ratio of every op's rate to its ceiling: compute-bound ops
 * against the GEMM ceiling of their backend (CPU: FMA-only peak; CUDA: TF32 SGEMM, since jdnn's CUDA backend allows
 * TF32 by default; strict FP32 is also listed), memory-bound ops against the copy bandwidth of their backend.
 */
public final class Ceilings {
    public static final String CPU_FP32_PEAK = "cpu-fp32-fma-peak";
    public static final String CPU_COPY = "cpu-copy";
    public static final String CUDA_TF32_GEMM = "cuda-tf32-sgemm";
    public static final String CUDA_FP32_GEMM = "cuda-fp32-sgemm";
    public static final String CUDA_COPY = "cuda-d2d-copy";

    private final Map<String, Double> rates = new LinkedHashMap<>();

    public void put(String name, double rate) {
        if (!Double.isNaN(rate)) rates.put(name, rate);
    }

    public Map<String, Double> rates() {
        return Map.copyOf(rates);
    }

    /** The ceiling an op on {@code backend} ("cpu", "cuda", "cuda-fp32") with this rate unit is compared against. */
    public static String ceilingFor(String backend, String rateUnit) {
        boolean flops = rateUnit.equals("FLOP/s");
        return switch (backend) {
            case "cpu" -> flops ? CPU_FP32_PEAK : CPU_COPY;
            case "cuda" -> flops ? CUDA_TF32_GEMM : CUDA_COPY;
            case "cuda-fp32" -> flops ? CUDA_FP32_GEMM : CUDA_COPY;
            default -> null;
        };
    }

    /** Adds the ratio to each measurement that has a backend, a rate and a measured ceiling. */
    public List<Measurement> annotate(List<Measurement> ms) {
        List<Measurement> out = new ArrayList<>();
        for (Measurement m : ms) {
            String backend = JmhSets.param(m.params(), "backend");
            String name = backend == null || m.rateUnit().isEmpty() ? null : ceilingFor(backend, m.rateUnit());
            Double ceiling = name == null ? null : rates.get(name);
            out.add(ceiling == null ? m : m.withCeiling(name, ceiling));
        }
        return out;
    }
}
