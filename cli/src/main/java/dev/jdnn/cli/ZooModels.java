package dev.jdnn.cli;

import dev.jdnn.networks.Module;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.training.checkpoint.LoadReport;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.StateDicts;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Building zoo models for a data set's geometry and loading weights files into them, with the CLI's messages. */
final class ZooModels {
    private ZooModels() {}

    /** Fails with the list of valid names; commands call it before touching any data, so a typo fails fast. */
    static void requireKnown(String name) {
        if (!Models.names().contains(name)) throw new IllegalArgumentException("unknown model '" + name + "'; valid: " + String.join(", ", Models.names()));
    }

    static Module create(String name, int classes, int channels, int height, int width) {
        requireKnown(name);
        return Models.create(name, ModelConfig.of(classes, channels, height, width));
    }

    /**
     * The class count a weights file's head was trained for, from the head weight's first dimension (or -1 when the
     * file has no head weight). A head weight whose other dimensions differ from this model's is refused by name:
     * its first dimension would not be a class count (a transposed matrix, or another model's weights).
     */
    static int classesIn(SafeTensorsFile f, Module model) {
        String key = ModelHeads.head(model) + ".weight";
        SafeTensorsFile.Entry e = f.entries().get(key);
        if (e == null || e.shape().length == 0) return -1;
        long[] file = e.shape();
        int[] mine = model.stateDict().get(key).shape().toArray();
        boolean fits = file.length == mine.length;
        for (int i = 1; fits && i < mine.length; i++) fits = file[i] == mine[i];
        if (!fits) {
            StringBuilder expected = new StringBuilder("[classes");
            for (int i = 1; i < mine.length; i++) expected.append(", ").append(mine[i]);
            boolean transposed = file.length == 2 && mine.length == 2 && file[0] == mine[1];
            throw new CliFailure(f.file() + ": its head weight " + key + " has shape " + Arrays.toString(file) + " but the model's"
                    + " head takes " + expected + "]" + (transposed ? " (is it transposed?)" : " (is the file for another model?)"));
        }
        return (int) file[0];
    }

    /** Loads a weights file or training checkpoint strictly into a compiled model (readable message for a class-count mismatch). */
    static void loadStrict(Path weights, CompiledModel model) {
        try (SafeTensorsFile f = SafeTensorsFile.open(weights)) {
            int fileClasses = classesIn(f, model.module()), modelClasses = model.outputShape().dim(1);
            if (fileClasses > 0 && fileClasses != modelClasses) {
                throw new CliFailure(weights + " has a " + fileClasses + "-class head but the model here has " + modelClasses
                        + " classes; use 'jdnn finetune' to train a new head");
            }
            // A training checkpoint also holds optimizer state (optim.*): not part of the model.
            StateDicts.load(f, model.stateDict(), model.backend(), true, k -> k.startsWith("optim."));
        }
    }

    /** Finetuning: every key but the class-dependent ones must match; those are loaded only when their shapes agree. */
    static LoadReport loadBackbone(Path weights, CompiledModel model, boolean strict) {
        List<String> heads = ModelHeads.classDependent(model.module());
        try (SafeTensorsFile f = SafeTensorsFile.open(weights)) {
            Map<String, Parameter> state = model.stateDict();
            LoadReport body = StateDicts.load(f, state, model.backend(), strict, k -> ModelHeads.under(k, heads));
            // Heads whose shapes match (same class count) are kept too, without failing when they do not.
            Map<String, Parameter> headParams = new java.util.LinkedHashMap<>();
            state.forEach((k, p) -> { if (ModelHeads.under(k, heads)) headParams.put(k, p); });
            boolean headFits = headParams.entrySet().stream().allMatch(e -> {
                SafeTensorsFile.Entry fe = f.entries().get(e.getKey());
                return fe != null && java.util.Arrays.equals(fe.intShape(), e.getValue().shape().toArray());
            });
            if (headFits && !headParams.isEmpty()) StateDicts.load(f, headParams, model.backend(), false, k -> !ModelHeads.under(k, heads));
            return body;
        }
    }
}
