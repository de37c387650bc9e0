package dev.jdnn.benchmarks.profile;

import dev.jdnn.benchmarks.ops.CopyBandwidthBenchmark;
import dev.jdnn.benchmarks.ops.GemmCeilingBenchmark;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;
import dev.jdnn.ops.TimeMarks;

/**
 * What the profile's rates are compared with: the GEMM and copy ceilings of the profiled backend, measured in this
 * process just before the profile with the same backend instance and the same accounting as the {@code gemm} set's
 * JMH benchmarks ({@link GemmCeilingBenchmark}: a square SGEMM, 2 n³ FLOPs, TF32 where the backend allows it;
 * {@link CopyBandwidthBenchmark}: a contiguous copy, 2 × size bytes). In-process, because JMH forks a JVM and a
 * backend per benchmark (minutes) where the profile needs two numbers in seconds.
 *
 * @param gemm               what was measured, e.g. "SGEMM 8192³ (tf32)"
 * @param gemmFlopsPerSecond its rate
 * @param copy               e.g. "copy of 256 MiB"
 * @param copyBytesPerSecond bytes read plus written per second
 */
public record DeviceCeilings(String gemm, double gemmFlopsPerSecond, String copy, double copyBytesPerSecond) {
    /**
     * Measures both on {@code backend}: on CUDA an 8192³ GEMM and 256 MiB (as the {@code gemm} set); on the CPU,
     * where those take seconds each, 1024³ and 64 MiB — or, with {@code quick}, 256³ and 8 MiB (a smoke test).
     */
    public static DeviceCeilings measure(Backend backend, boolean quick) {
        boolean cpu = backend.name().equals("cpu");
        int n = !cpu ? 8192 : quick ? 256 : 1024;
        int mib = !cpu ? 256 : quick ? 8 : 64;
        int reps = cpu ? 5 : 10;
        double gemmSeconds = gemmSeconds(backend, n, reps);
        double copySeconds = copySeconds(backend, mib, reps);
        return new DeviceCeilings("SGEMM " + n + "³ (" + (backend.allowsTf32() ? "tf32" : "fp32") + ")", GemmCeilingBenchmark.flops(n) / gemmSeconds,
                "copy of " + mib + " MiB", CopyBandwidthBenchmark.bytes(mib) / copySeconds);
    }

    private static double gemmSeconds(Backend backend, int n, int reps) {
        LinearSpec spec = new LinearSpec(n, n, n, false);
        try (LinearPlan plan = backend.linear(spec); Tensor a = backend.allocate(spec.inputShape()); Tensor b = backend.allocate(spec.weightShape());
             Tensor c = backend.allocate(spec.outputShape())) {
            backend.fill(a, 0.5f);
            backend.fill(b, 0.25f);
            return seconds(backend, reps, () -> plan.forward(1f, a, b, null, 0f, c));
        }
    }

    private static double copySeconds(Backend backend, int mib, int reps) {
        Shape shape = Shape.of(mib, 256 * 1024); // mib x 1 MiB of float32
        try (Tensor src = backend.allocate(shape); Tensor dst = backend.allocate(shape)) {
            backend.fill(src, 1f);
            return seconds(backend, reps, () -> backend.copy(src, dst));
        }
    }

    /** Device seconds of one call: {@code reps} calls to warm up (the JIT compiles the CPU kernels), then {@code reps} between two time marks. */
    private static double seconds(Backend backend, int reps, Runnable call) {
        for (int i = 0; i < reps; i++) call.run();
        try (TimeMarks marks = backend.timeMarks(2)) {
            marks.record(0);
            for (int i = 0; i < reps; i++) call.run();
            marks.record(1);
            return marks.millis(0, 1) / 1e3 / reps;
        }
    }

    /** "SGEMM 8192³ (tf32) 412.3 TFLOP/s; copy of 256 MiB 3901 GB/s". */
    public String describe() {
        return gemm + " " + ProfileReport.flops(gemmFlopsPerSecond) + "; " + copy + " " + ProfileReport.bytes(copyBytesPerSecond);
    }
}
