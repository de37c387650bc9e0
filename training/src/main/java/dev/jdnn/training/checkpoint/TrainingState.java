package dev.jdnn.training.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a run stands, enough to continue it exactly: epochs completed, batches done in the current epoch, global
 * optimizer steps (the schedule's position), the optimizer's own step count, the data-order/augmentation seed,
 * the dropout seed (the model's compile seed: the dropout and stochastic-depth streams are seeded from it), the
 * position of each of those streams ({@link dev.jdnn.networks.graph.CompiledModel#randomPositions()}, in graph
 * order; null in checkpoints written before positions were recorded, whose streams restart on resume), the best
 * test top-1 so far, and an fp16 run's loss scaler ({@code [scale, good steps in a row]},
 * {@link dev.jdnn.networks.graph.CompiledModel#lossScaleState()}; null for other precisions and older checkpoints).
 */
public record TrainingState(int epoch, int batchInEpoch, long globalStep, long optimizerSteps, long seed, long dropoutSeed,
                            String optimizer, double bestTop1, long[] randomPositions, float[] lossScale) {
    /** Without a loss scaler (every precision but fp16). */
    public TrainingState(int epoch, int batchInEpoch, long globalStep, long optimizerSteps, long seed, long dropoutSeed,
                         String optimizer, double bestTop1, long[] randomPositions) {
        this(epoch, batchInEpoch, globalStep, optimizerSteps, seed, dropoutSeed, optimizer, bestTop1, randomPositions, null);
    }

    /** What makes this state impossible for a run to have reached (negative counters, ...); empty when it is sound. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (epoch < 0) p.add("epoch " + epoch + " is negative");
        if (batchInEpoch < 0) p.add("batchInEpoch " + batchInEpoch + " is negative");
        if (globalStep < 0) p.add("globalStep " + globalStep + " is negative");
        if (optimizerSteps < 0) p.add("optimizerSteps " + optimizerSteps + " is negative");
        if (optimizer == null || optimizer.isBlank()) p.add("the optimizer is not named");
        if (!(bestTop1 == -1 || bestTop1 >= 0 && bestTop1 <= 1)) p.add("bestTop1 " + bestTop1 + " is neither -1 (none yet) nor an accuracy in [0, 1]");
        if (randomPositions != null && Arrays.stream(randomPositions).anyMatch(r -> r < 0)) p.add("randomPositions " + Arrays.toString(randomPositions) + " has a negative position");
        if (lossScale != null && (lossScale.length != 2 || !(lossScale[0] > 0) || Float.isInfinite(lossScale[0]) || !(lossScale[1] >= 0) || lossScale[1] != Math.rint(lossScale[1]))) {
            p.add("lossScale " + Arrays.toString(lossScale) + " is not [scale > 0, a count of good steps >= 0]");
        }
        return p;
    }

    /**
     * Checks that this position can belong to a run of {@code batchesPerEpoch} steps per epoch: a checkpoint's
     * global step is the batches of its finished epochs plus those of the current one. Anything else means the
     * checkpoint was written for other data, another --limit or another batch size.
     */
    public void checkPosition(Path file, int batchesPerEpoch) {
        if (batchInEpoch >= batchesPerEpoch || globalStep != (long) epoch * batchesPerEpoch + batchInEpoch) {
            throw new CheckpointMismatchException(file, "stopped at epoch " + epoch + ", batch " + batchInEpoch + ", step " + globalStep
                    + ", which a run of " + batchesPerEpoch + " batches per epoch never reaches: it was written for other training data or another batch size");
        }
    }
}
