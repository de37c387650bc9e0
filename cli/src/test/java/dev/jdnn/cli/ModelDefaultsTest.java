package dev.jdnn.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.*;

/** Per-model defaults fill only what the user left open. */
class ModelDefaultsTest {
    private static TrainCommand parse(String... args) {
        TrainCommand c = new TrainCommand();
        new CommandLine(c).parseArgs(args);
        c.hyper.applyModelDefaults(c.model);
        c.hyper.validate();
        return c;
    }

    @Test
    void leNetGetsSmallerBatchLowerSgdLrAndNoAugmentation() {
        TrainCommand c = parse("--model", "lenet5");
        assertEquals(32, c.hyper.batchSize);
        assertEquals(0.05, c.hyper.effectiveLr());
        assertFalse(c.trainingData.augments(c.model));
        assertEquals(32, parse("--model", "lenet5_28").hyper.batchSize);
    }

    @Test
    void otherModelsKeepTheGeneralDefaults() {
        TrainCommand c = parse("--model", "resnet20");
        assertEquals(128, c.hyper.batchSize);
        assertEquals(0.1, c.hyper.effectiveLr());
        assertTrue(c.trainingData.augments(c.model));
    }

    @Test
    void explicitOptionsWin() {
        TrainCommand c = parse("--model", "lenet5", "--batch-size", "64", "--lr", "0.2", "--augment", "standard");
        assertEquals(64, c.hyper.batchSize);
        assertEquals(0.2, c.hyper.effectiveLr());
        assertTrue(c.trainingData.augments(c.model));
        assertFalse(parse("--model", "resnet20", "--augment", "none").trainingData.augments("resnet20"));
        assertEquals(1e-3, parse("--model", "lenet5", "--optimizer", "adam").hyper.effectiveLr(), "the LeNet lr applies to SGD only");
    }
}
