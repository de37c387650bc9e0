package dev.jdnn.training.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The samples of some classes of another data set, relabelled 0..k-1 in the order the classes are given, optionally
 * only the first {@code perClass} samples of each class (in the data set's order). Used for transfer-learning splits
 * such as "pretrain on classes 0–4, fine-tune on 100 images of each of classes 5–9".
 */
public final class ClassSubset implements Dataset {
    private final Dataset base;
    private final int[] indices;     // position in this subset -> index in base
    private final int[] newLabel;    // base label -> label here, -1 when the class is not selected
    private final List<String> classNames;

    /**
     * @param classes  base class indices to keep, distinct, each in [0, base.numClasses()); class {@code classes[j]}
     *                 becomes label {@code j}
     * @param perClass keep at most this many samples of each class (the first ones); 0 keeps them all
     */
    public ClassSubset(Dataset base, int[] classes, int perClass) {
        if (classes.length == 0) throw new IllegalArgumentException("class subset needs at least one class");
        if (perClass < 0) throw new IllegalArgumentException("samples per class must be >= 0, got " + perClass);
        this.base = base;
        this.newLabel = new int[base.numClasses()];
        Arrays.fill(newLabel, -1);
        List<String> names = new ArrayList<>();
        for (int j = 0; j < classes.length; j++) {
            int c = classes[j];
            if (c < 0 || c >= base.numClasses()) {
                throw new IllegalArgumentException("class " + c + " is outside [0, " + base.numClasses() + ") of a data set with classes " + base.classNames());
            }
            if (newLabel[c] >= 0) throw new IllegalArgumentException("class " + c + " is selected twice in " + Arrays.toString(classes));
            newLabel[c] = j;
            names.add(base.classNames().get(c));
        }
        this.classNames = List.copyOf(names);
        int[] taken = new int[classes.length];
        int[] picked = new int[base.size()];
        int n = 0;
        for (int i = 0; i < base.size(); i++) {
            int l = newLabel[base.label(i)];
            if (l < 0 || (perClass > 0 && taken[l] >= perClass)) continue;
            taken[l]++;
            picked[n++] = i;
        }
        this.indices = Arrays.copyOf(picked, n);
        if (n == 0) throw new IllegalArgumentException("no samples of classes " + Arrays.toString(classes) + " in a data set of " + base.size());
    }

    /**
     * Parses a class list as the CLI writes it: comma-separated indices and inclusive ranges, e.g. "0-4" or "5,7,9"
     * or "0-2,8". Order is kept (it decides the new labels).
     */
    public static int[] parseClasses(String spec) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            try {
                int dash = p.indexOf('-', 1);
                if (dash < 0) {
                    out.add(Integer.parseInt(p));
                } else {
                    int from = Integer.parseInt(p.substring(0, dash).strip()), to = Integer.parseInt(p.substring(dash + 1).strip());
                    if (to < from) throw new IllegalArgumentException("class range '" + p + "' in '" + spec + "' runs backwards");
                    for (int c = from; c <= to; c++) out.add(c);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cannot read class list '" + spec + "': '" + p + "' is neither an index nor a range like 0-4");
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override public int size() { return indices.length; }
    @Override public List<String> classNames() { return classNames; }
    @Override public int channels() { return base.channels(); }
    @Override public int height() { return base.height(); }
    @Override public int width() { return base.width(); }

    @Override
    public int label(int index) {
        return newLabel[base.label(baseIndex(index))];
    }

    @Override
    public int read(int index, float[] chw) {
        return newLabel[base.read(baseIndex(index), chw)];
    }

    @Override
    public int read(int index, float[] chw, SplittableRandom rng) {
        return newLabel[base.read(baseIndex(index), chw, rng)];
    }

    private int baseIndex(int index) {
        if (index < 0 || index >= indices.length) throw new IndexOutOfBoundsException("sample " + index + " of a class subset of " + indices.length);
        return indices[index];
    }
}
