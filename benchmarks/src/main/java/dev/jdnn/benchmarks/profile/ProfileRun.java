package dev.jdnn.benchmarks.profile;

import dev.jdnn.benchmarks.train.TrainThroughput;
import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.graph.ModelProfile;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Backend;

import java.util.Map;

/**
 * {@code jdnn bench --profile}: the model compiled as the train-throughput rows compile it (CUDA graphs on; precision,
 * layout and fused ops as {@code --precision}, {@code --layout} and {@code --fusion} say; seed 0, a random batch in
 * its own input; the report's first line names the precision and layout and ends with the fusion summary) and its
 * step profiled — the training step those rows time
 * ({@link TrainThroughput.SgdStep}: forward, loss, backward, SGD update), or the evaluation forward — then the
 * device's ceilings.
 */
public final class ProfileRun {
    private ProfileRun() {}

    /** With the compile defaults (TF32 where the device has it, the backend's layout, fusion off). */
    public static ProfileReport run(ProfileOptions o, Backend backend, boolean quick, Map<String, Object> meta) {
        return run(o, backend, quick, meta, CompileOptions.DEFAULT);
    }

    public static ProfileReport run(ProfileOptions o, Backend backend, boolean quick, Map<String, Object> meta, CompileOptions options) {
        Shape in = o.input();
        ModelConfig cfg = ModelConfig.of(o.classes(), in.dim(1), in.dim(2), in.dim(3));
        try (CompiledModel model = CompiledModel.compile(Models.create(o.model(), cfg), in, backend, 0, options)) {
            String fused = model.fusionSummary(), compute = model.computeSummary();
            TrainThroughput.fillInput(model, backend, o.classes());
            ModelProfile profile;
            if (o.eval()) {
                model.setTraining(false);
                profile = model.profile(model::forward, o.warmup(), o.steps());
            } else {
                try (TrainThroughput.SgdStep step = new TrainThroughput.SgdStep(model)) {
                    profile = model.profile(step, o.warmup(), o.steps());
                }
            }
            model.close(); // its memory back before the ceilings' buffers are allocated
            // After the profile: the device is warm, and on the CPU the JIT has compiled the GEMM the model ran.
            DeviceCeilings ceilings = DeviceCeilings.measure(backend, quick);
            String what = String.format("%s, batch %d, input %dx%dx%d, %d classes: %s on %s (%s)", o.model(), in.dim(0), in.dim(1), in.dim(2), in.dim(3),
                    o.classes(), o.eval() ? "the evaluation forward" : "the training step (forward, loss, backward, SGD update)",
                    backend.name(), compute) + "; " + fused;
            return new ProfileReport(meta, what, profile, ceilings);
        }
    }
}
