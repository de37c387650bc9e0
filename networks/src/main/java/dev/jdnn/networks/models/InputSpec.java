package dev.jdnn.networks.models;

/**
 * The input a model expects, and how torchvision's evaluation preprocessing makes it from an image: resize the
 * shorter side to {@code resizeSize} ({@code interpolation}, antialiased), centre-crop {@code height}×{@code width},
 * scale pixels to [0, 1], normalise. For the ImageNet models these are the values torchvision's
 * {@code weights.transforms()} use (e.g. 256 → 224, bilinear, ImageNet statistics); small-image models
 * (CIFAR ResNets, LeNet) take their data set's image size unresized.
 *
 * @param channels      input channels (3 RGB, 1 grey)
 * @param height        input height
 * @param width         input width
 * @param resizeSize    the shorter side before the centre crop (equal to the crop size: no margin)
 * @param interpolation the resize filter
 * @param normalization the per-channel statistics
 */
public record InputSpec(int channels, int height, int width, int resizeSize, Interpolation interpolation, Normalization normalization) {
    /** The resize filters torchvision's presets use; both antialiased when shrinking, as PIL and torchvision do. */
    public enum Interpolation { BILINEAR, BICUBIC }

    public InputSpec {
        if (channels < 1 || height < 1 || width < 1) throw new IllegalArgumentException("input must be positive, got " + channels + "x" + height + "x" + width);
        if (resizeSize < Math.min(height, width)) {
            throw new IllegalArgumentException("resize size " + resizeSize + " is smaller than the crop " + height + "x" + width);
        }
        if (interpolation == null || normalization == null) throw new IllegalArgumentException("interpolation and normalization are required");
        if (normalization.channels() != channels) {
            throw new IllegalArgumentException("normalization has " + normalization.channels() + " channels, the input " + channels);
        }
    }

    /** torchvision's ImageNet evaluation preset for a crop size: resize to crop·8/7 (256 for 224), bilinear, ImageNet statistics. */
    public static InputSpec imagenet(int cropSize) {
        return new InputSpec(3, cropSize, cropSize, cropSize * 8 / 7, Interpolation.BILINEAR, Normalization.IMAGENET);
    }

    /** Images of exactly this size, no resizing margin (small-image data sets). */
    public static InputSpec unresized(int channels, int size, Normalization normalization) {
        return new InputSpec(channels, size, size, size, Interpolation.BILINEAR, normalization);
    }

    /** The same preprocessing for another input geometry: the resize keeps this spec's resize/crop ratio. */
    public InputSpec withInput(int channels, int height, int width, Normalization normalization) {
        int crop = Math.min(height, width);
        int resize = (int) ((long) resizeSize * crop / Math.min(this.height, this.width));
        return new InputSpec(channels, height, width, Math.max(resize, crop), interpolation, normalization);
    }
}
