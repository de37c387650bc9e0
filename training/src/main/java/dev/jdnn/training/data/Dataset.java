package dev.jdnn.training.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A labelled image data set of fixed-size images. Samples are float32 CHW with values in [0, 1], before any
 * augmentation or normalisation. Implementations must allow concurrent {@link #read} calls from loader threads.
 */
public interface Dataset {
    int size();

    List<String> classNames();

    default int numClasses() {
        return classNames().size();
    }

    int channels();

    int height();

    int width();

    default int sampleSize() {
        return channels() * height() * width();
    }

    int label(int index);

    /** Writes sample {@code index} into {@code chw} (length {@link #sampleSize()}) and returns its label. */
    int read(int index, float[] chw);

    /**
     * As {@link #read(int, float[])} for a training loader: data sets whose samples are cut at random from larger
     * images (image folders with a random resized crop) draw from {@code rng}, the sample's seeded generator, which
     * the loader then hands on to the augmentation. Others ignore it.
     */
    default int read(int index, float[] chw, SplittableRandom rng) {
        return read(index, chw);
    }

    /** One sample in a fresh array (convenience; the loader uses {@link #read} into reused buffers). */
    default Sample sample(int index) {
        float[] chw = new float[sampleSize()];
        int label = read(index, chw);
        return new Sample(chw, label);
    }

    record Sample(float[] chw, int label) {}

    /**
     * This data set with {@code n}-channel images: grey to RGB repeats the channel (to feed grey images to a model
     * pretrained on colour), RGB to grey takes the luma ({@link FloatImage#withChannels}). The same set when it has
     * {@code n} channels already.
     */
    default Dataset withChannels(int n) {
        return n == channels() ? this : new ChannelConvertedDataset(this, n);
    }

    /** The first {@code n} samples (the CLI's --limit); the same data set when n covers it. */
    default Dataset limit(int n) {
        if (n <= 0 || n >= size()) return this;
        return new LimitedDataset(this, n);
    }
}
