package dev.jdnn.training.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.jdnn.networks.Parameter;
import dev.jdnn.ops.Backend;
import dev.jdnn.training.optim.Optimizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A resumable training checkpoint ({@code .ckpt}): a safetensors file with the model's state dict, the optimizer
 * state under {@code optim.<param>.<kind>} keys, and in the metadata the {@link TrainingState} and the run's config
 * (both JSON strings). Saved atomically, so a crash mid-save keeps the previous checkpoint.
 */
public final class TrainingCheckpoint {
    public static final String KIND_KEY = "jdnn.kind";
    public static final String KIND = "training-checkpoint";
    public static final String STATE_KEY = "jdnn.state";
    public static final String CONFIG_KEY = "jdnn.config";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads the state without Jackson's lenient coercions ("5" or 5.7 as an int, null as 0). */
    private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    /**
     * Every field but randomPositions (checkpoints written before streams were recorded lack it) and lossScale (only
     * fp16 runs have one; older checkpoints lack it).
     */
    private static final List<String> REQUIRED_STATE_FIELDS = List.of("epoch", "batchInEpoch", "globalStep", "optimizerSteps", "seed", "dropoutSeed",
            "optimizer", "bestTop1");

    private TrainingCheckpoint() {}

    public static void save(Path file, Map<String, Parameter> stateDict, Optimizer optimizer, Backend backend, TrainingState state, String configJson) {
        List<TensorData> tensors = new ArrayList<>(StateDicts.snapshot(stateDict, backend));
        tensors.addAll(StateDicts.snapshotTensors(optimizer.state(), backend));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put(KIND_KEY, KIND);
        meta.put(STATE_KEY, toJson(state));
        if (configJson != null) meta.put(CONFIG_KEY, configJson);
        SafeTensorsFile.write(file, tensors, meta);
    }

    /** Restores model and optimizer from {@code file} (strictly: every key must match) and returns the run's position. */
    public static TrainingState load(Path file, Map<String, Parameter> stateDict, Optimizer optimizer, Backend backend) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            TrainingState state = readState(f);
            if (!state.optimizer().equals(optimizer.kind())) {
                throw new CheckpointMismatchException(file, "was saved with optimizer " + state.optimizer() + ", this run uses " + optimizer.kind());
            }
            StateDicts.load(f, stateDict, backend, true, name -> name.startsWith("optim."));
            StateDicts.loadTensors(f, optimizer.state(), backend);
            optimizer.setStepCount(state.optimizerSteps());
            return state;
        }
    }

    /**
     * The run's position from the checkpoint's metadata, strictly: every field present and of its JSON type (no
     * string or fractional numbers coerced into counters), and the values a run can reach ({@link TrainingState#problems}).
     */
    public static TrainingState readState(SafeTensorsFile f) {
        if (!KIND.equals(f.metadata().get(KIND_KEY)) || f.metadata().get(STATE_KEY) == null) {
            throw new CheckpointMismatchException(f.file(), "is not a jdnn training checkpoint (no " + STATE_KEY + " metadata); a weights file can be loaded with --weights instead");
        }
        TrainingState state;
        try {
            JsonNode node = STRICT_JSON.readTree(f.metadata().get(STATE_KEY));
            if (node == null || !node.isObject()) throw new CheckpointMismatchException(f.file(), "unreadable training state metadata: not a JSON object");
            List<String> missing = REQUIRED_STATE_FIELDS.stream().filter(k -> !node.has(k) || node.get(k).isNull()).toList();
            if (!missing.isEmpty()) throw new CheckpointMismatchException(f.file(), "unreadable training state metadata: missing " + missing);
            state = STRICT_JSON.treeToValue(node, TrainingState.class);
        } catch (JsonProcessingException e) {
            throw new CheckpointMismatchException(f.file(), "unreadable training state metadata: " + e.getOriginalMessage());
        }
        List<String> problems = state.problems();
        if (!problems.isEmpty()) throw new CheckpointMismatchException(f.file(), "holds an impossible training state: " + String.join("; ", problems));
        return state;
    }

    private static String toJson(TrainingState s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
