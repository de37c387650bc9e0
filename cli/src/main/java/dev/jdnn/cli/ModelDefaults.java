package dev.jdnn.cli;

import java.util.Set;

/**
 * Training defaults that depend on the model, used only where the user gave no value. The general defaults (batch
 * 128, SGD lr 0.1, the data set's usual augmentation) suit the zoo's BN networks. LeNet-5 (tanh, average pooling,
 * no BN, 44–62k parameters) is different: in a short run it underfits rather than overfits, so augmentation only
 * slows it down, and it gains from more, smaller steps. Measured on Fashion-MNIST, 2 epochs (benchmarks/RESULTS.md):
 * 84.1% with the general defaults, 87.1% without augmentation, 88.5% also with batch 32 and lr 0.05.
 */
record ModelDefaults(int batchSize, double sgdLr, String augmentation) {
    static final ModelDefaults GENERAL = new ModelDefaults(128, 0.1, "standard");
    static final ModelDefaults LENET = new ModelDefaults(32, 0.05, "none");
    private static final Set<String> LENETS = Set.of("lenet5", "lenet5_28");

    static ModelDefaults of(String model) {
        return LENETS.contains(model) ? LENET : GENERAL;
    }
}
