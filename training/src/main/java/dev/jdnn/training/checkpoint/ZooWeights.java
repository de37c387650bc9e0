package dev.jdnn.training.checkpoint;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.ZooModel;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weights files (jdnn's, or PyTorch's with torchvision's key names) into compiled zoo models: whole models for
 * evaluation and prediction, backbones for fine-tuning.
 */
public final class ZooWeights {
    /** Training checkpoints also hold the optimizer's state under this prefix: not part of the model. */
    public static final String OPTIMIZER_PREFIX = "optim.";

    private ZooWeights() {}

    /**
     * The class count {@code file}'s classifier was trained for (its weight's first dimension), or -1 when the file
     * has no classifier weight. A classifier weight whose other dimensions differ from {@code model}'s (a model of
     * {@code zoo}, any class count) is refused by name: its first dimension would not be a class count (a transposed
     * matrix, or another model's weights).
     */
    public static int classCount(SafeTensorsFile file, ZooModel zoo, Layer model) {
        String key = zoo.head() + ".weight";
        SafeTensorsFile.Entry e = file.entries().get(key);
        if (e == null || e.shape().length == 0) return -1;
        long[] inFile = e.shape();
        int[] mine = model.stateDict().get(key).shape().toArray();
        boolean fits = inFile.length == mine.length;
        for (int i = 1; fits && i < mine.length; i++) fits = inFile[i] == mine[i];
        if (!fits) {
            StringBuilder expected = new StringBuilder("[classes");
            for (int i = 1; i < mine.length; i++) expected.append(", ").append(mine[i]);
            boolean transposed = inFile.length == 2 && mine.length == 2 && inFile[0] == mine[1];
            throw new CheckpointMismatchException(file.file(), "its head weight " + key + " has shape " + Arrays.toString(inFile) + " but the model's"
                    + " head takes " + expected + "]" + (transposed ? " (is it transposed?)" : " (is the file for another model?)"));
        }
        return Math.toIntExact(inFile[0]);
    }

    /**
     * Loads every tensor of {@code model} from a weights file or training checkpoint; any missing, unexpected or
     * mis-shaped key fails before anything is loaded ({@link CheckpointMismatchException}), a different class count
     * with a message saying so.
     */
    public static void load(Path weights, CompiledModel model, ZooModel zoo) {
        try (SafeTensorsFile f = SafeTensorsFile.open(weights)) {
            int fileClasses = classCount(f, zoo, model.module()), modelClasses = model.outputShape().dim(1);
            if (fileClasses > 0 && fileClasses != modelClasses) {
                throw new CheckpointMismatchException(weights, "has a " + fileClasses + "-class head but the model has " + modelClasses
                        + " classes (fine-tune it for a new class count: ZooWeights.loadBackbone, jdnn finetune)");
            }
            StateDicts.load(f, model.stateDict(), model.backend(), true, k -> k.startsWith(OPTIMIZER_PREFIX));
        }
    }

    /**
     * Fine-tuning: loads everything but the heads ({@link ZooModel#heads()}); the heads are loaded too when their
     * shapes match (same class count), else they keep their fresh initialisation. With {@code strict}, any missing,
     * unexpected or mis-shaped non-head key fails before anything is loaded; without, the report lists them.
     */
    public static LoadReport loadBackbone(Path weights, CompiledModel model, ZooModel zoo, boolean strict) {
        List<String> heads = zoo.heads();
        try (SafeTensorsFile f = SafeTensorsFile.open(weights)) {
            Map<String, Parameter> state = model.stateDict();
            LoadReport body = StateDicts.load(f, state, model.backend(), strict, k -> ZooModel.isUnder(k, heads) || k.startsWith(OPTIMIZER_PREFIX));
            Map<String, Parameter> headParams = new LinkedHashMap<>();
            state.forEach((k, p) -> { if (ZooModel.isUnder(k, heads)) headParams.put(k, p); });
            boolean headsFit = !headParams.isEmpty() && headParams.entrySet().stream().allMatch(e -> {
                SafeTensorsFile.Entry fe = f.entries().get(e.getKey());
                return fe != null && Arrays.equals(fe.intShape(), e.getValue().shape().toArray());
            });
            if (headsFit) StateDicts.load(f, headParams, model.backend(), false, k -> !ZooModel.isUnder(k, heads));
            return body;
        }
    }
}
