package dev.jdnn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.training.checkpoint.CheckpointMismatchException;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.TrainingCheckpoint;
import dev.jdnn.training.checkpoint.TrainingState;
import dev.jdnn.training.optim.LrSchedule;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code --resume} checks before anything is compiled, so that a resumed run is the run the checkpoint began:
 * the checkpoint's training state is sound (no negative counters), its position fits this run's batches per epoch,
 * and every option recorded in its config (model, data and its size and labels, batch size, optimizer, learning
 * rate, schedule, seed, ...) equals this invocation's. A difference is refused, naming each option with both values.
 * Only where and how the run happens may change (--device, --deterministic, --layout, --fusion, the data's directory, fp32 for
 * tf32 and back), and --epochs when the schedule does not depend on the run's length (constant): then continuing to N
 * epochs equals a run started with --epochs N. A change to or from bf16 or fp16 is refused: the activations' storage
 * type is part of what is trained (an fp16 run's loss scale continues from its checkpoint).
 */
final class ResumeCheck {
    /**
     * Config keys that do not change what is trained: where and how the run executes (the memory layout and fused ops
     * only reorder the same arithmetic), and where the same data lives. The precision is compared by what it stores
     * ({@link #storage}).
     */
    private static final Set<String> FREE = Set.of("device", "backend", "deterministic", "data_dir", "layout", "fusion", "compute", "precision");
    /** Facts older checkpoints do not record; their absence is not a difference. */
    private static final Set<String> NOT_IN_OLDER_CHECKPOINTS = Set.of("train_labels_crc32");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResumeCheck() {}

    /** Returns the checkpoint's state when this run ({@code config}, {@code epochs}, {@code schedule}) continues it. */
    static TrainingState check(Path checkpoint, Map<String, Object> config, int epochs, String schedule, int batchesPerEpoch, PrintWriter out) {
        TrainingState state;
        JsonNode recorded;
        try (SafeTensorsFile f = SafeTensorsFile.open(checkpoint)) {
            state = TrainingCheckpoint.readState(f);
            String json = f.metadata().get(TrainingCheckpoint.CONFIG_KEY);
            if (json == null) {
                throw new CheckpointMismatchException(checkpoint, "records no run options (" + TrainingCheckpoint.CONFIG_KEY
                        + "): it was not written by 'jdnn train' or 'jdnn finetune', so a resumed run cannot be checked to continue it");
            }
            try {
                recorded = JSON.readTree(json);
            } catch (JsonProcessingException e) {
                throw new CheckpointMismatchException(checkpoint, "unreadable run options (" + TrainingCheckpoint.CONFIG_KEY + "): " + e.getOriginalMessage());
            }
        }
        if (recorded == null || !recorded.isObject()) throw new CheckpointMismatchException(checkpoint, "its run options (" + TrainingCheckpoint.CONFIG_KEY + ") are not a JSON object");
        JsonNode current = parse(TrainingRun.toJson(config)); // through text, as recorded: numbers compare as the same node types

        List<String> differences = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        recorded.fieldNames().forEachRemaining(keys::add);
        current.fieldNames().forEachRemaining(keys::add);
        for (String key : keys) {
            if (FREE.contains(key) || key.equals("epochs")) continue;
            JsonNode was = recorded.get(key), now = current.get(key);
            if (was == null && NOT_IN_OLDER_CHECKPOINTS.contains(key)) continue; // an older checkpoint: only its data's size is known
            if (was == null ? now != null : !was.equals(now)) differences.add(describe(key, now) + " (the checkpoint's run: " + text(was) + ")");
        }
        String wasPrecision = recorded.path("precision").asText("tf32"), nowPrecision = String.valueOf(config.get("precision"));
        if (!storage(wasPrecision).equals(storage(nowPrecision))) {
            differences.add("--precision " + nowPrecision + " (the checkpoint's run: " + wasPrecision + "; a precision that stores activations in "
                    + "another type trains another model: fp32 and tf32 may replace each other, bf16 and fp16 only themselves)");
        }
        int recordedEpochs = recorded.path("epochs").asInt(-1);
        if (recordedEpochs != epochs && LrSchedule.spansRun(schedule)) {
            differences.add("--epochs " + epochs + " (the checkpoint's run: " + recordedEpochs + "; its " + schedule
                    + " schedule spans the whole run, so another length would not continue it: use --schedule constant for runs meant to be extended)");
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("--resume " + checkpoint + ": these options would change the run it continues: "
                    + String.join("; ", differences) + ". Give the original options (its " + TrainingRun.CONFIG + " lists them) or start a new run");
        }
        if (batchesPerEpoch >= 1) state.checkPosition(checkpoint, batchesPerEpoch);
        if (state.epoch() >= epochs) {
            throw new IllegalArgumentException("--resume " + checkpoint + ": the run already finished " + state.epoch() + " of --epochs " + epochs + "; nothing is left to train");
        }
        if (recordedEpochs != epochs) {
            out.println("continuing the run to " + epochs + " epochs instead of " + recordedEpochs + " (constant schedule: the same as a run started with --epochs " + epochs + ")");
        }
        Object device = config.get("device");
        if (!recorded.path("device").asText().equals(String.valueOf(device))) {
            out.println("continuing on --device " + device + " (the checkpoint's run used " + recorded.path("device").asText() + ")");
        }
        return state;
    }

    /** What a precision stores activations in: fp32 and tf32 are both float32 (TF32 is only the math of a GPU's tensor cores). */
    static String storage(String precision) {
        return precision.equals("fp32") || precision.equals("tf32") ? "float32" : precision;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "--batch-size 8", or for recorded facts that are not options, what they depend on. */
    private static String describe(String key, JsonNode now) {
        return switch (key) {
            case "train_images" -> text(now) + " training images (--limit, --classes, --per-class or other data)";
            case "test_images" -> text(now) + " test images (--test-limit, --classes or other data)";
            case "train_labels_crc32" -> "training labels with checksum " + text(now) + " (other data, or another order)";
            case "command" -> "command " + text(now);
            default -> "--" + key.replace('_', '-') + " " + text(now);
        };
    }

    private static String text(JsonNode v) {
        return v == null ? "not set" : v.isTextual() ? v.asText() : v.toString();
    }
}
