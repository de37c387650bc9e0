package dev.jdnn.training.optim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Schedule values at chosen steps, computed by hand from each schedule's definition. */
class LrScheduleTest {
    @Test
    void stepAndMultiStep() {
        LrSchedule s = LrSchedule.stepDecay(10, 0.1);
        assertEquals(1.0, s.factor(0));
        assertEquals(1.0, s.factor(9));
        assertEquals(0.1, s.factor(10), 1e-15);
        assertEquals(0.01, s.factor(25), 1e-15);
        LrSchedule ms = LrSchedule.multiStep(new long[]{30, 5}, 0.5);
        assertEquals(1.0, ms.factor(4));
        assertEquals(0.5, ms.factor(5));
        assertEquals(0.25, ms.factor(30));
        assertEquals(1.0, LrSchedule.constant().factor(12345));
    }

    @Test
    void warmupThenCosine() {
        LrSchedule s = LrSchedule.warmupCosine(10, 110, 0.0, 0.0);
        assertEquals(0.0, s.factor(0));
        assertEquals(0.5, s.factor(5), 1e-12);
        assertEquals(1.0, s.factor(10), 1e-12);
        assertEquals(0.5, s.factor(60), 1e-12);            // halfway through the cosine: (1 + cos(pi/2)) / 2
        assertEquals((1 + Math.cos(Math.PI / 4)) / 2, s.factor(35), 1e-12);
        assertEquals(0.0, s.factor(110), 1e-12);
        assertEquals(0.0, s.factor(500), 1e-12);
        assertEquals(0.1, LrSchedule.warmupCosine(0, 10, 0, 0.1).factor(10), 1e-12);
    }

    @Test
    void oneCycleAsTorch() {
        // total 100, pct_start 0.3: up-phase ends at step 29, down-phase at 99; initial 1/25, final 1/(25·1e4)
        LrSchedule s = LrSchedule.oneCycle(100, 0.3, 25, 1e4);
        double initial = 1 / 25.0, min = initial / 1e4;
        assertEquals(initial, s.factor(0), 1e-12);
        assertEquals(1.0, s.factor(29), 1e-12);
        assertEquals(min + (1 - min) / 2, s.factor(64), 1e-12);
        assertEquals(min, s.factor(99), 1e-12);
        double pct = 14.0 / 29;
        assertEquals(1 + (initial - 1) / 2 * (Math.cos(Math.PI * pct) + 1), s.factor(14), 1e-12);
    }

    @Test
    void namedSchedulesAndUnknownName() {
        assertEquals(0.1, LrSchedule.named("step", 9, 10).factor(30), 1e-15);
        assertEquals(1.0, LrSchedule.named("step", 9, 10).factor(29));
        var e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.named("linear", 3, 10));
        assertTrue(e.getMessage().contains("constant") && e.getMessage().contains("onecycle"));
    }

    @Test
    void warmupEpochsAsTorchvisionsLrWarmupEpochs() {
        LrSchedule cos = LrSchedule.named("cosine", 10, 100, 2);   // 200 warm-up steps, cosine over the other 800
        assertEquals(0.0, cos.factor(0));
        assertEquals(0.5, cos.factor(100), 1e-12);
        assertEquals(1.0, cos.factor(200), 1e-12);
        assertEquals(0.5, cos.factor(600), 1e-12);
        LrSchedule step = LrSchedule.named("step", 9, 10, 1);      // 10 warm-up steps, then ×0.1 every 30 steps
        assertEquals(0.5, step.factor(5), 1e-12);
        assertEquals(1.0, step.factor(39));
        assertEquals(0.1, step.factor(40), 1e-15);
        assertEquals(1.0, LrSchedule.named("constant", 3, 10, 0).factor(0));
        assertEquals(LrSchedule.named("cosine", 10, 100).factor(50), LrSchedule.named("cosine", 10, 100, 1).factor(50), "the default: one epoch");
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.named("onecycle", 3, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.named("cosine", 3, 10, 4));
    }
}
