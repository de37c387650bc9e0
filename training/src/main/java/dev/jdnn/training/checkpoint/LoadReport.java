package dev.jdnn.training.checkpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * What loading a state dict found: keys the model has but the file lacks, keys the file has but the model lacks,
 * and keys present in both with different shapes or a non-floating-point dtype in the file (those are never loaded).
 */
public record LoadReport(int loaded, List<String> missing, List<String> unexpected, List<String> mismatched) {
    public LoadReport {
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
    }

    public boolean isClean() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    /** One line per kind of problem, e.g. "missing keys: [fc.weight, fc.bias]". */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (!missing.isEmpty()) out.add("missing keys (in the model, not in the file): " + missing);
        if (!unexpected.isEmpty()) out.add("unexpected keys (in the file, not in the model): " + unexpected);
        if (!mismatched.isEmpty()) out.add("shape or dtype mismatches: " + mismatched);
        return out;
    }
}
