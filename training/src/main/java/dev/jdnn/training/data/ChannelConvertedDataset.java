package dev.jdnn.training.data;

import java.util.List;
import java.util.SplittableRandom;

/** Another data set's images converted to a different channel count ({@link Dataset#withChannels}). */
final class ChannelConvertedDataset implements Dataset {
    private final Dataset base;
    private final int channels;

    ChannelConvertedDataset(Dataset base, int channels) {
        new FloatImage(new float[base.sampleSize()], base.channels(), base.height(), base.width()).withChannels(channels); // fails early on e.g. 2 → 3
        this.base = base;
        this.channels = channels;
    }

    @Override public int size() { return base.size(); }
    @Override public List<String> classNames() { return base.classNames(); }
    @Override public int channels() { return channels; }
    @Override public int height() { return base.height(); }
    @Override public int width() { return base.width(); }
    @Override public int label(int index) { return base.label(index); }

    @Override
    public int read(int index, float[] chw) {
        return read(index, chw, null);
    }

    @Override
    public int read(int index, float[] chw, SplittableRandom rng) {
        float[] own = new float[base.sampleSize()];
        int label = rng == null ? base.read(index, own) : base.read(index, own, rng);
        float[] converted = new FloatImage(own, base.channels(), base.height(), base.width()).withChannels(channels).data();
        System.arraycopy(converted, 0, chw, 0, converted.length);
        return label;
    }
}
