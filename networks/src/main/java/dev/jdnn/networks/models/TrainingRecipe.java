package dev.jdnn.networks.models;

/**
 * Training defaults that suit a zoo model, for the options a user leaves open. The general recipe (batch 128,
 * SGD lr 0.1, the data set's usual augmentation) suits the zoo's BN networks. LeNet-5 (tanh, average pooling, no BN,
 * 44–62k parameters) is different: in a short run it underfits rather than overfits, so augmentation only slows it
 * down, and it gains from more, smaller steps. Measured on Fashion-MNIST, 2 epochs (benchmarks/RESULTS.md): 84.1%
 * with the general recipe, 87.1% without augmentation, 88.5% also with batch 32 and lr 0.05.
 *
 * @param batchSize images per step
 * @param sgdLr     the base learning rate with SGD (momentum 0.9, Nesterov)
 * @param augment   whether the data set's standard augmentation (random crop, flip) helps
 */
public record TrainingRecipe(int batchSize, double sgdLr, boolean augment) {
    public static final TrainingRecipe GENERAL = new TrainingRecipe(128, 0.1, true);
    public static final TrainingRecipe LENET = new TrainingRecipe(32, 0.05, false);
}
