package dev.jdnn.cli;

import java.util.Set;

/**
 * Training defaults that depend on the model, used where the user gave no value. The general defaults suit the
 * BN networks of the zoo; LeNet-5 (tanh, average pooling, no BN, 44–62k parameters) is different: it underfits
 * rather than overfits in a short run, so augmentation only slows it down.
 */
final class ModelDefaults {
    private static final Set<String> LENETS = Set.of("lenet5", "lenet5_28");

    private ModelDefaults() {}

    /** "standard" or "none": the augmentation used when --augment is not given. */
    static String augmentation(String model) {
        return LENETS.contains(model) ? "none" : "standard";
    }
}
