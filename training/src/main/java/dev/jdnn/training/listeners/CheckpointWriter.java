package dev.jdnn.training.listeners;

import dev.jdnn.training.EpochMetrics;
import dev.jdnn.training.Trainer;
import dev.jdnn.training.TrainingListener;
import dev.jdnn.training.checkpoint.StateDicts;
import dev.jdnn.training.checkpoint.TrainingCheckpoint;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the run's checkpoints at the end of every epoch, atomically: {@value #LAST_CHECKPOINT} (model, optimizer
 * state and the trainer's position, for {@link Trainer#resume}) and, whenever test top-1 improves on the best so far,
 * {@value #BEST_WEIGHTS} (the weights alone, with metadata for prediction).
 */
public final class CheckpointWriter implements TrainingListener {
    public static final String LAST_CHECKPOINT = "last.ckpt";
    public static final String BEST_WEIGHTS = "best.safetensors";

    private final Path dir;
    private final String configJson;
    private final Map<String, String> weightsMetadata;
    private Trainer trainer;
    private double best;

    /**
     * @param configJson      free-form JSON stored in each checkpoint's metadata (may be null)
     * @param weightsMetadata extra metadata for the best weights (model name, input geometry, class names: what
     *                        predict needs); the epoch and its top-1 are added
     */
    public CheckpointWriter(Path dir, String configJson, Map<String, String> weightsMetadata) {
        this.dir = dir;
        this.configJson = configJson;
        this.weightsMetadata = Map.copyOf(weightsMetadata);
    }

    @Override
    public void onFitStart(Trainer trainer) {
        this.trainer = trainer;
        this.best = trainer.state().bestTop1(); // a resumed run keeps its best
    }

    @Override
    public void onEpochEnd(EpochMetrics epoch) {
        if (trainer == null) throw new IllegalStateException("CheckpointWriter got an epoch end without a fit start");
        var model = trainer.model();
        if (epoch.test() != null && epoch.test().top1() > best) {
            best = epoch.test().top1();
            Map<String, String> meta = new LinkedHashMap<>(weightsMetadata);
            meta.put("epoch", Integer.toString(epoch.epoch() + 1));
            meta.put("top1", Double.toString(epoch.test().top1()));
            StateDicts.saveWeights(dir.resolve(BEST_WEIGHTS), model.stateDict(), model.backend(), meta);
        }
        TrainingCheckpoint.save(dir.resolve(LAST_CHECKPOINT), model.stateDict(), trainer.optimizer(), model.backend(), trainer.state(), configJson);
    }
}
