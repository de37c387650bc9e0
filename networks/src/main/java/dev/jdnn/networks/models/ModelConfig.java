package dev.jdnn.networks.models;

/**
 * What a zoo builder needs besides the architecture itself: number of classes, input channels and image size
 * (families whose classifier depends on it, like LeNet, read it; the others adapt through global pooling), and the
 * few per-family options. Options a family does not use are ignored by it.
 *
 * @param numClasses      classifier outputs
 * @param inChannels      image channels (3 for RGB, 1 for (Fashion-)MNIST)
 * @param height          image height the model is built for
 * @param width           image width the model is built for
 * @param shortcut        CIFAR ResNets: He et al.'s option A (zero-padding identity) or B (1x1 projection)
 * @param widthMultiplier MobileNet v1/v2/v3 width multiplier alpha
 * @param auxLogits       GoogLeNet: build the two auxiliary classifiers (used only in the training graph)
 */
public record ModelConfig(int numClasses, int inChannels, int height, int width, Shortcut shortcut,
                          double widthMultiplier, boolean auxLogits) {

    /** He et al. (2015) §4.2 / §3.3: how a CIFAR ResNet block bridges a change of shape on its identity path. */
    public enum Shortcut { A_ZERO_PAD, B_PROJECTION }

    public ModelConfig {
        if (numClasses < 1) throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        if (inChannels < 1) throw new IllegalArgumentException("inChannels must be >= 1, got " + inChannels);
        if (height < 1 || width < 1) throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        if (shortcut == null) throw new IllegalArgumentException("shortcut type is null");
        if (!(widthMultiplier > 0)) throw new IllegalArgumentException("widthMultiplier must be > 0, got " + widthMultiplier);
    }

    /** ImageNet defaults: 1000 classes, 3x224x224, option A shortcuts, width 1.0, aux heads on (as torchvision). */
    public static ModelConfig imagenet() {
        return new ModelConfig(1000, 3, 224, 224, Shortcut.A_ZERO_PAD, 1.0, true);
    }

    /** Defaults with the given classes and input geometry. */
    public static ModelConfig of(int numClasses, int inChannels, int height, int width) {
        return imagenet().withClasses(numClasses).withInput(inChannels, height, width);
    }

    public ModelConfig withClasses(int n) {
        return new ModelConfig(n, inChannels, height, width, shortcut, widthMultiplier, auxLogits);
    }

    public ModelConfig withInput(int channels, int h, int w) {
        return new ModelConfig(numClasses, channels, h, w, shortcut, widthMultiplier, auxLogits);
    }

    public ModelConfig withShortcut(Shortcut s) {
        return new ModelConfig(numClasses, inChannels, height, width, s, widthMultiplier, auxLogits);
    }

    public ModelConfig withWidthMultiplier(double alpha) {
        return new ModelConfig(numClasses, inChannels, height, width, shortcut, alpha, auxLogits);
    }

    public ModelConfig withAuxLogits(boolean aux) {
        return new ModelConfig(numClasses, inChannels, height, width, shortcut, widthMultiplier, aux);
    }
}
