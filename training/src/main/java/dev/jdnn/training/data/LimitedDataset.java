package dev.jdnn.training.data;

import java.util.List;
import java.util.SplittableRandom;

/** The first {@code size} samples of another data set. */
final class LimitedDataset implements Dataset {
    private final Dataset base;
    private final int size;

    LimitedDataset(Dataset base, int size) {
        this.base = base;
        this.size = size;
    }

    @Override public int size() { return size; }
    @Override public List<String> classNames() { return base.classNames(); }
    @Override public int channels() { return base.channels(); }
    @Override public int height() { return base.height(); }
    @Override public int width() { return base.width(); }

    @Override
    public int label(int index) {
        return base.label(checkIndex(index));
    }

    @Override
    public int read(int index, float[] chw) {
        return base.read(checkIndex(index), chw);
    }

    @Override
    public int read(int index, float[] chw, SplittableRandom rng) {
        return base.read(checkIndex(index), chw, rng);
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("sample " + index + " of a data set of " + size);
        return index;
    }
}
