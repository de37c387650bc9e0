package dev.jdnn.training.checkpoint;

import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.ops.Backend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Moves state dicts (torchvision key names: weights, biases, BN running statistics) between a model's backend
 * tensors and safetensors files, as PyTorch's load_state_dict does: every key is checked by name and shape.
 */
public final class StateDicts {
    /** PyTorch's BN counter: present in torchvision checkpoints, meaningless here (no zoo model uses momentum=None). */
    public static final String NUM_BATCHES_TRACKED = "num_batches_tracked";

    private StateDicts() {}

    /** The current values of {@code state} (downloaded from the backend), ready to write. */
    public static List<TensorData> snapshot(Map<String, Parameter> state, Backend backend) {
        List<TensorData> out = new ArrayList<>();
        state.forEach((name, p) -> out.add(TensorData.f32(name, p.shape().toArray(), backend.download(requireBound(name, p)))));
        return out;
    }

    /** Like {@link #snapshot(Map, Backend)} for named tensors (optimizer state). */
    public static List<TensorData> snapshotTensors(Map<String, Tensor> tensors, Backend backend) {
        List<TensorData> out = new ArrayList<>();
        tensors.forEach((name, t) -> out.add(TensorData.f32(name, t.shape().toArray(), backend.download(t))));
        return out;
    }

    /** Writes a weights file: the state dict only, with "format": "pt" as PyTorch's safetensors files carry. */
    public static void saveWeights(Path file, Map<String, Parameter> state, Backend backend, Map<String, String> metadata) {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putIfAbsent("format", "pt");
        SafeTensorsFile.write(file, snapshot(state, backend), meta);
    }

    /**
     * Loads every key of {@code target} found in {@code file} with the same shape; {@code skip} names keys deliberately
     * not loaded (a replaced classifier head). {@code num_batches_tracked} keys are accepted and ignored.
     * With {@code strict}, any missing, unexpected or mis-shaped key throws before anything is loaded.
     */
    public static LoadReport load(SafeTensorsFile file, Map<String, Parameter> target, Backend backend, boolean strict, Predicate<String> skip) {
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        Map<String, Parameter> toLoad = new LinkedHashMap<>();
        target.forEach((name, p) -> {
            if (skip.test(name)) return;
            SafeTensorsFile.Entry e = file.entries().get(name);
            String problem = e == null ? null : mismatch(e, p.shape().toArray());
            if (e == null) missing.add(name);
            else if (problem != null) mismatched.add(name + " " + problem);
            else toLoad.put(name, p);
        });
        for (String name : file.entries().keySet()) {
            if (!target.containsKey(name) && !skip.test(name) && !name.endsWith("." + NUM_BATCHES_TRACKED) && !name.equals(NUM_BATCHES_TRACKED)) unexpected.add(name);
        }
        LoadReport report = new LoadReport(toLoad.size(), missing, unexpected, mismatched);
        if (strict && !report.isClean()) throw new CheckpointMismatchException(file.file(), report);
        toLoad.forEach((name, p) -> backend.upload(file.readFloats(name), requireBound(name, p)));
        return report;
    }

    /** Loads named tensors (optimizer state); all must be present with the right shape. */
    public static void loadTensors(SafeTensorsFile file, Map<String, Tensor> target, Backend backend) {
        List<String> problems = new ArrayList<>();
        target.forEach((name, t) -> {
            SafeTensorsFile.Entry e = file.entries().get(name);
            String problem = e == null ? "missing" : mismatch(e, t.shape().toArray());
            if (problem != null) problems.add(name + " " + problem);
        });
        if (!problems.isEmpty()) throw new CheckpointMismatchException(file.file(), "optimizer state does not match: " + problems);
        target.forEach((name, t) -> backend.upload(file.readFloats(name), t));
    }

    /**
     * Why a file's tensor cannot load into a float32 tensor of {@code shape}, or null when it can: the shapes must
     * be equal, and the file's dtype floating-point (F64, F32, F16, BF16 convert to float32; an integer or boolean
     * tensor in a parameter's place is a wrong file, not something to convert).
     */
    private static String mismatch(SafeTensorsFile.Entry e, int[] shape) {
        if (!Arrays.equals(e.intShape(), shape)) return "(file " + Arrays.toString(e.shape()) + ", model " + Arrays.toString(shape) + ")";
        if (!e.dtype().isFloatingPoint()) return "(file dtype " + e.dtype() + ", model F32: integer and boolean tensors are not loaded into float parameters)";
        return null;
    }

    private static Tensor requireBound(String name, Parameter p) {
        if (p.value() == null) throw new IllegalStateException("parameter '" + name + "' has no storage yet: compile the model first");
        return p.value();
    }
}
