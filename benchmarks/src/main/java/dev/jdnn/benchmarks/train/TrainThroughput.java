package dev.jdnn.benchmarks.train;

import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.graph.GuardedUpdate;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.TimeMarks;
import dev.jdnn.ops.cuda.CudaBackend;
import dev.jdnn.training.optim.Optimizer;
import dev.jdnn.training.optim.Optimizers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * jdnn's side of the PyTorch comparison: for one {@link ThroughputRow}, builds the model with {@link Models#create},
 * compiles it on the backend, puts a synthetic batch on the device (no loader in the loop, as compare.py), warms up
 * and measures training images/s (forward + cross-entropy + backward + SGD momentum 0.9, weight decay 1e-4 over
 * {@link CompiledModel#flatParameters()}) or inference latency per batch (evaluation graph, no sync per batch, as
 * compare.py). The result map has compare.py's fields (row, kind, model, batch, input, images_per_s / ms_per_step or
 * latency_ms, peak_memory_bytes, framework, precision — what the model computed in: fp32, tf32, bf16 or fp16 — and
 * layout, nchw or nhwc, as side_by_side.py matches them) plus, on CUDA, the host-overhead split of a training step, and
 * whether CUDA graphs were asked for ({@code cuda_graphs}) with what the model made of it ({@code graph_capture},
 * {@link CompiledModel#graphCaptureStatus()}). With graphs on, the first warm-up step runs eagerly and the second
 * is captured (see {@link CompiledModel}), so the measured steps are replays — the SGD update included, as the
 * {@link dev.jdnn.training.Trainer} runs it: an SGD {@link Optimizer} whose learning rate is read from device
 * memory, guarded against a non-finite loss ({@link GuardedUpdate}).
 */
public final class TrainThroughput {
    /** Steps before and during the measurement; compare.py uses 10 / 30. */
    public record Settings(int warmup, int iterations) {
        public static Settings of(boolean quick) {
            return quick ? new Settings(2, 5) : new Settings(10, 30);
        }
    }

    private static final double LR = 0.01, WEIGHT_DECAY = 1e-4;

    private TrainThroughput() {}

    /** With the compile defaults (CUDA graphs on, TF32 where the device has it, NHWC on GPUs with tensor cores, fusion off). */
    public static Map<String, Object> run(ThroughputRow row, Backend backend, Settings settings) {
        return run(row, backend, settings, CompileOptions.DEFAULT);
    }

    public static Map<String, Object> run(ThroughputRow row, Backend backend, Settings settings, CompileOptions options) {
        Map<String, Object> result = new LinkedHashMap<>();
        ModelConfig cfg = ModelConfig.of(row.classes(), row.channels(), row.size(), row.size());
        String graphCapture, fusion, precision, layout;
        try (CompiledModel model = CompiledModel.compile(Models.create(row.model(), cfg), row.inputShape(), backend, 0, options)) {
            fillInput(model, backend, row.classes());
            if (row.kind() == ThroughputRow.Kind.TRAIN) train(model, backend, settings, row.batch(), result);
            else infer(model, backend, settings, result);
            graphCapture = model.graphCaptureStatus();
            fusion = model.fusionSummary();
            precision = model.precision().label();
            layout = model.memoryFormat().label();
        }
        result.put("row", row.name());
        result.put("kind", row.kindName());
        result.put("model", row.model());
        result.put("batch", row.batch());
        result.put("input", List.of(row.channels(), row.size(), row.size()));
        result.put("peak_memory_bytes", backend.memoryStats().peakBytes());
        result.put("framework", "jdnn");
        result.put("precision", precision);
        result.put("layout", layout);
        result.put("backend", backend.name());
        result.put("cuda_graphs", options.cudaGraphs());
        result.put("graph_capture", graphCapture);
        result.put("fusion", fusion);
        return result;
    }

    /** A random batch (inputs in [-1, 1), labels below {@code classes}) in the model's own input and labels tensors, so a step copies nothing. */
    public static void fillInput(CompiledModel model, Backend backend, int classes) {
        SplittableRandom r = new SplittableRandom(0);
        float[] x = new float[Math.toIntExact(model.inputShape().numel())];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        backend.upload(x, model.input());
        int[] y = new int[model.inputShape().dim(0)];
        for (int i = 0; i < y.length; i++) y[i] = r.nextInt(classes);
        backend.uploadInts(y, model.labels());
    }

    /**
     * The training step every row measures, on the model's own input and labels: SGD (momentum 0.9, weight decay
     * 1e-4) whose scalars are written before each step and whose update runs in the step, guarded against a
     * non-finite loss, as the {@link dev.jdnn.training.Trainer} runs it. Close it to free the optimizer's state.
     */
    public static final class SgdStep implements Runnable, AutoCloseable {
        private final CompiledModel model;
        private final Optimizer sgd;
        private final GuardedUpdate update;

        public SgdStep(CompiledModel model) {
            this.model = model;
            this.sgd = Optimizers.sgd(model, LR, 0.9, WEIGHT_DECAY, false);
            this.update = sgd.guardedUpdate(); // one instance: the recording is keyed by it
        }

        @Override
        public void run() {
            sgd.writeStepScalars(1.0);
            model.forwardBackward(model.labels(), 0f, update);
        }

        @Override
        public void close() {
            sgd.close();
        }
    }

    private static void train(CompiledModel model, Backend backend, Settings s, int batch, Map<String, Object> result) {
        model.setTraining(true);
        try (SgdStep step = new SgdStep(model)) {
            double ms = timeMillis(step, backend, s);
            result.put("images_per_s", batch * 1000.0 / ms);
            result.put("ms_per_step", ms);
            if (backend instanceof CudaBackend) result.putAll(hostOverhead(model, backend, step));
        }
    }

    private static void infer(CompiledModel model, Backend backend, Settings s, Map<String, Object> result) {
        model.setTraining(false);
        result.put("latency_ms", timeMillis(model::forward, backend, s));
    }

    /** Mean wall milliseconds per call of {@code work} after the warm-up, the device drained before and after. */
    private static double timeMillis(Runnable work, Backend backend, Settings s) {
        for (int i = 0; i < s.warmup(); i++) work.run();
        backend.synchronize();
        long t0 = System.nanoTime();
        for (int i = 0; i < s.iterations(); i++) work.run();
        backend.synchronize();
        return (System.nanoTime() - t0) / 1e6 / s.iterations();
    }

    /**
     * Where a training step's time goes on CUDA. A step's wall time minus the GPU time between events recorded at
     * its start and end is host time the GPU could not overlap (the loss download in forwardBackward makes the host
     * wait once per step). The forward pass alone is asynchronous: its host issue time (the Java layer: planning-free
     * op calls and FFM downcalls) against its GPU time says whether the host keeps ahead of the GPU.
     */
    private static Map<String, Object> hostOverhead(CompiledModel model, Backend backend, Runnable step) {
        int reps = 5;
        double wall = 0, gpu = 0, issue = 0, forwardGpu = 0;
        model.forward(); // the training-graph forward's warm-up and (graphs on) capture, outside the measurement
        model.forward();
        try (TimeMarks marks = backend.timeMarks(2)) {
            for (int i = 0; i < reps; i++) {
                backend.synchronize();
                long t0 = System.nanoTime();
                marks.record(0);
                step.run();
                marks.record(1);
                gpu += marks.millis(0, 1);
                wall += (System.nanoTime() - t0) / 1e6;

                backend.synchronize();
                long f0 = System.nanoTime();
                marks.record(0);
                model.forward();
                issue += (System.nanoTime() - f0) / 1e6;
                marks.record(1);
                forwardGpu += marks.millis(0, 1);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step_wall_ms", wall / reps);
        m.put("step_gpu_ms", gpu / reps);
        m.put("step_host_overhead_ms", (wall - gpu) / reps);
        m.put("forward_host_issue_ms", issue / reps);
        m.put("forward_gpu_ms", forwardGpu / reps);
        return m;
    }

}
