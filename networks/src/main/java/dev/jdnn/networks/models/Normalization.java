package dev.jdnn.networks.models;

/**
 * Per-channel mean and standard deviation an input is normalised with, x' = (x - mean[c]) / std[c], pixels in [0, 1]:
 * the statistics of the data a model was trained on, which a data set and a zoo model's {@link InputSpec} both name.
 */
public record Normalization(float[] mean, float[] std) {
    /** Fashion-MNIST training set statistics (pixels in [0, 1]). */
    public static final Normalization FASHION_MNIST = new Normalization(new float[]{0.2860f}, new float[]{0.3530f});
    /** MNIST training set statistics, as in PyTorch's examples. */
    public static final Normalization MNIST = new Normalization(new float[]{0.1307f}, new float[]{0.3081f});
    public static final Normalization CIFAR10 = new Normalization(new float[]{0.4914f, 0.4822f, 0.4465f}, new float[]{0.2470f, 0.2435f, 0.2616f});
    public static final Normalization CIFAR100 = new Normalization(new float[]{0.5071f, 0.4865f, 0.4409f}, new float[]{0.2673f, 0.2564f, 0.2762f});
    /** ImageNet statistics, torchvision's default for pretrained weights (used for image folders). */
    public static final Normalization IMAGENET = new Normalization(new float[]{0.485f, 0.456f, 0.406f}, new float[]{0.229f, 0.224f, 0.225f});
    /** Mean 0.5, std 0.5 on three channels: [0, 1] to [-1, 1] (torchvision's efficientnet_v2_l weights). */
    public static final Normalization MINUS_ONE_TO_ONE = new Normalization(new float[]{0.5f, 0.5f, 0.5f}, new float[]{0.5f, 0.5f, 0.5f});

    public Normalization {
        if (mean.length != std.length || mean.length == 0) throw new IllegalArgumentException("mean and std need one value per channel, got " + mean.length + " and " + std.length);
        for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("std must be positive, got " + s);
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    public int channels() {
        return mean.length;
    }

    /** Normalises a CHW image in place: each of the {@link #channels()} planes of {@code plane} pixels. */
    public void apply(float[] chw, int plane) {
        if (chw.length != channels() * plane) {
            throw new IllegalArgumentException("normalisation has " + channels() + " channels but the image has " + chw.length + " values for planes of " + plane);
        }
        for (int c = 0; c < channels(); c++) {
            float m = mean[c], s = std[c];
            for (int i = c * plane, end = i + plane; i < end; i++) chw[i] = (chw[i] - m) / s;
        }
    }

    /** Equal when the statistics are (records compare arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && java.util.Arrays.equals(mean, n.mean) && java.util.Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(mean) + java.util.Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + java.util.Arrays.toString(mean) + ", std=" + java.util.Arrays.toString(std) + "]";
    }
}
