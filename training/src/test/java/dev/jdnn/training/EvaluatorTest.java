package dev.jdnn.training;

import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.layers.Flatten;
import dev.jdnn.networks.layers.Linear;
import dev.jdnn.networks.layers.Sequential;
import dev.jdnn.training.data.ByteImageDataset;
import dev.jdnn.training.data.DataLoader;
import dev.jdnn.training.data.Dataset;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Evaluator} end to end on a model whose logits are its input (identity weights), so each sample's logits are
 * chosen by hand: ties, exact top-5 boundaries, NaN and infinite outputs, a padded last batch.
 */
class EvaluatorTest {
    private static final int C = 8;

    /** Logits = input pixel bytes / 255, exactly (the identity matrix multiplies by 1 and adds 0). */
    private static CompiledModel identityModel() {
        CompiledModel m = CompiledModel.compile(new Sequential(new Flatten(), new Linear(C, C)), Shape.of(4, 1, 1, C), TinySetup.BACKEND, 0);
        float[] eye = new float[C * C];
        for (int i = 0; i < C; i++) eye[i * C + i] = 1;
        m.backend().upload(eye, m.stateDict().get("1.weight").value());
        m.backend().upload(new float[C], m.stateDict().get("1.bias").value());
        return m;
    }

    private static byte[] row(int... v) {
        byte[] b = new byte[C];
        for (int i = 0; i < C; i++) b[i] = (byte) v[i];
        return b;
    }

    /** Sample 5's logits all NaN, sample 6's class 7 logit +infinity: what a diverged model outputs. */
    private record Poisoned(Dataset d) implements Dataset {
        @Override public int size() { return d.size(); }
        @Override public List<String> classNames() { return d.classNames(); }
        @Override public int channels() { return d.channels(); }
        @Override public int height() { return d.height(); }
        @Override public int width() { return d.width(); }
        @Override public int label(int i) { return d.label(i); }

        @Override
        public int read(int i, float[] chw) {
            int label = d.read(i, chw);
            if (i == 5) Arrays.fill(chw, Float.NaN);
            if (i == 6) chw[7] = Float.POSITIVE_INFINITY;
            return label;
        }
    }

    @Test
    void tiesNonFiniteOutputsAndTopFiveBoundariesAreCountedExactly() {
        // sample: logits (byte values), label, and what it must count as
        List<byte[]> rows = List.of(
                row(0, 0, 0, 0, 0, 0, 0, 0),         // 0 label 0: all tied, rank 8: miss, miss
                row(9, 1, 1, 1, 1, 1, 1, 1),         // 1 label 0: top-1
                row(5, 9, 9, 9, 9, 1, 1, 1),         // 2 label 0: exactly 4 above, rank 5: top-5 hit
                row(5, 9, 9, 9, 9, 9, 1, 1),         // 3 label 0: 5 above, rank 6: miss
                row(5, 9, 9, 9, 9, 5, 1, 1),         // 4 label 0: 4 above + 1 tie, rank 6: miss
                row(9, 1, 1, 1, 1, 1, 1, 1),         // 5 label 0: poisoned with NaN below
                row(9, 1, 1, 1, 1, 1, 1, 1),         // 6 label 0: poisoned with +Inf in class 7 below
                row(1, 1, 1, 7, 1, 1, 1, 1),         // 7 label 3: top-1
                row(1, 1, 1, 7, 1, 7, 1, 1),         // 8 label 3: tied with class 5, rank 2: top-5 only, predicted 5
                row(1, 1, 1, 1, 1, 1, 8, 6));        // 9 label 7: only class 6 above, rank 2: top-5 only
        int[] labels = {0, 0, 0, 0, 0, 0, 0, 3, 3, 7};
        byte[] px = new byte[rows.size() * C];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, px, i * C, C);
        Dataset data = new ByteImageDataset(px, labels, 1, 1, C, Collections.nCopies(C, "c"));
        try (CompiledModel m = identityModel();
             DataLoader loader = new DataLoader(new Poisoned(data), null, new DataLoader.Options(4, false, false, 0, 1, 2), HostAllocator.global())) {
            EvalResult r = Evaluator.evaluate(m, loader);
            assertEquals(10, r.samples());
            assertEquals(2, r.nonFinite(), "the NaN and the +Inf sample");
            assertEquals(2 / 10.0, r.top1(), "samples 1 and 7");
            assertEquals(5 / 10.0, r.top5(), "samples 1, 2, 7, 8, 9 (rank 6 and ties at the boundary are misses)");
            assertTrue(Double.isNaN(r.loss()), "a NaN output makes the mean loss NaN, not a number that looks fine");
            long total = Arrays.stream(r.confusion()).flatMapToLong(Arrays::stream).sum();
            assertEquals(8, total, "the two non-finite samples have no prediction");
            assertEquals(1, r.confusion()[0][0], "only sample 1 of label 0 is on the diagonal");
            assertEquals(4, r.confusion()[0][1], "samples 0 (all tied), 2, 3 and 4 predict class 1");
            assertEquals(1, r.confusion()[3][3]);
            assertEquals(1, r.confusion()[3][5], "a tie with class 5 predicts 5");
            assertEquals(1, r.confusion()[7][6]);
            assertTrue(r.nonFiniteNote().startsWith("2 of 10 samples gave NaN or infinite logits"), r.nonFiniteNote());
        }
    }
}
