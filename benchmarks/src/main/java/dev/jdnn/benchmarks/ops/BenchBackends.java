package dev.jdnn.benchmarks.ops;

import dev.jdnn.networks.graph.CompileOptions.Precision;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.backends.Backends;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.ops.cuda.CudaBackend;

/**
 * The backends a benchmark's {@code backend} parameter names: "cpu", "cuda" (TF32 allowed, cuDNN's default for
 * jdnn) and "cuda-fp32" (strict FP32: no tensor-core TF32). JMH cannot skip a parameter combination, so asking for a
 * CUDA backend where none can run fails the trial with the reason; {@code BenchRunner} leaves CUDA out up front.
 */
public final class BenchBackends {
    private BenchBackends() {}

    public static Backend open(String name) {
        return open(name, false);
    }

    /** As {@link #open(String)}; a CUDA backend in deterministic mode when {@code deterministic} (jdnn bench --deterministic). */
    public static Backend open(String name, boolean deterministic) {
        return switch (name) {
            case "cpu" -> new CpuBackend();
            case "cuda", "cuda-fp32" -> {
                String why = CudaBackend.unavailableReason();
                if (why != null) {
                    throw new IllegalStateException("backend=" + name + " needs a usable CUDA device, but " + why
                            + "; run with -p backend=cpu (BenchRunner does this by itself)");
                }
                yield CudaBackend.create(0, CudaBackend.Options.defaults().withStrictFp32(name.equals("cuda-fp32")).withDeterministic(deterministic));
            }
            default -> throw new IllegalArgumentException("unknown backend '" + name + "'; valid: cpu, cuda, cuda-fp32");
        };
    }

    /**
     * The backend for a compile in {@code precision} on {@code device} ("cpu" or "cuda"), as {@code jdnn train} opens
     * it ({@link Backends#open(String, boolean, boolean)}): on CUDA strict FP32 math for fp32 (what that precision
     * needs), TF32 allowed otherwise.
     */
    public static Backend open(String device, boolean deterministic, Precision precision) {
        return Backends.open(device, deterministic, precision == Precision.FP32);
    }

    public static boolean cudaAvailable() {
        return CudaBackend.isAvailable();
    }
}
