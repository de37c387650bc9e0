package dev.jdnn.training;

import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.Normalization;
import dev.jdnn.training.data.Augmentations;
import dev.jdnn.training.listeners.EarlyStopping;
import dev.jdnn.training.listeners.EarlyStopping.TrainingStoppedEarly;
import dev.jdnn.training.listeners.EpochSummaryPrinter;
import dev.jdnn.training.listeners.MetricsCsv;
import dev.jdnn.training.listeners.CheckpointWriter;
import dev.jdnn.training.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The public listeners on the tiny training task, and early stopping's rule on given metric sequences. */
class ListenersTest {
    @TempDir
    Path dir;

    private static final Normalization NORM = new Normalization(new float[]{0.5f}, new float[]{0.25f});

    @Test
    void metricsCsvAndSummaryLinesFollowTheEpochs() throws Exception {
        StringWriter text = new StringWriter();
        MetricsCsv csv = new MetricsCsv(dir);
        try (CompiledModel m = TinySetup.compile(); Optimizer opt = TinySetup.sgd(m, 0.05);
             Trainer t = Trainer.builder(m, opt).trainData(TinySetup.data(30, 1), Augmentations.normalize(NORM))
                     .testData(TinySetup.data(10, 2), Augmentations.normalize(NORM)).epochs(2).loaderWorkers(1)
                     .listener(csv).listener(new EpochSummaryPrinter(new PrintWriter(text), 2)).build()) {
            List<EpochMetrics> history = t.fit();
            List<String> lines = Files.readAllLines(dir.resolve(MetricsCsv.FILE));
            assertEquals(MetricsCsv.HEADER, lines.getFirst());
            assertEquals(3, lines.size());
            assertTrue(lines.get(2).startsWith("2,"), lines.get(2));
            assertEquals(history.get(1).trainLoss(), csv.rows().get(1)[1], 1e-5 * history.get(1).trainLoss());
            assertEquals(history.get(1).test().top1(), csv.rows().get(1)[4], 1e-6);
            assertTrue(text.toString().contains("epoch 1/2: train loss") && text.toString().contains("epoch 2/2: train loss"), text.toString());
            assertTrue(text.toString().contains("| test loss"), text.toString());
        }
        // A resumed run keeps the rows of the epochs it does not redo.
        assertEquals(1, new MetricsCsv(dir, 1).rows().size());
        assertEquals(0, new MetricsCsv(dir).rows().size());
    }

    @Test
    void earlyStoppingEndsFitAfterPatienceEpochsWithoutImprovement() {
        // lr 0 never improves the model: top-1 stays where it starts, so patience 2 stops after epoch 3.
        try (CompiledModel m = TinySetup.compile(); Optimizer opt = TinySetup.sgd(m, 1e-30);
             Trainer t = Trainer.builder(m, opt).trainData(TinySetup.data(30, 1), Augmentations.normalize(NORM))
                     .testData(TinySetup.data(10, 2), Augmentations.normalize(NORM)).epochs(10).loaderWorkers(1)
                     .listener(new CheckpointWriter(dir, null, java.util.Map.of())).listener(new EarlyStopping(2, 0.0)).build()) {
            TrainingStoppedEarly stop = assertThrows(TrainingStoppedEarly.class, t::fit);
            assertEquals(2, stop.epoch());
            assertEquals(0, stop.bestEpoch());
            assertEquals(3, t.epoch(), "three epochs ran");
            assertTrue(stop.getMessage().contains("after epoch 3") && stop.getMessage().contains("test top-1"), stop.getMessage());
            assertTrue(Files.exists(dir.resolve(CheckpointWriter.LAST_CHECKPOINT)), "the stopping epoch's checkpoint was written first");
        }
    }

    @Test
    void earlyStoppingCountsOnlyImprovementsAboveMinDelta() {
        EarlyStopping es = new EarlyStopping(2, 0.01);
        es.onEpochEnd(epoch(0, 0.50));
        es.onEpochEnd(epoch(1, 0.505)); // +0.005: not enough
        var stop = assertThrows(TrainingStoppedEarly.class, () -> es.onEpochEnd(epoch(2, 0.509)));
        assertEquals(0, stop.bestEpoch());
        EarlyStopping es2 = new EarlyStopping(2, 0.01);
        es2.onEpochEnd(epoch(0, 0.50));
        es2.onEpochEnd(epoch(1, 0.40));
        es2.onEpochEnd(epoch(2, 0.52)); // improvement resets the count
        es2.onEpochEnd(epoch(3, 0.52));
        assertThrows(TrainingStoppedEarly.class, () -> es2.onEpochEnd(epoch(4, 0.52)));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(0, 0));
    }

    private static EpochMetrics epoch(int e, double top1) {
        return new EpochMetrics(e, 1.0, 0.5, 100, 0, new EvalResult(10, 0, 1.0, top1, 1.0, new long[3][3], List.of("a", "b", "c")), 1, 0.1);
    }
}
