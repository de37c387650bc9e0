package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.TimeMarks;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU backend's time marks (wall clock at each record) and its convolution's implementation names. */
class CpuTimeMarksTest {
    private final CpuBackend backend = new CpuBackend();

    @Test
    void aSpanIsTheClockTimeBetweenItsTwoMarks() throws InterruptedException {
        try (TimeMarks marks = backend.timeMarks(3)) {
            assertEquals(3, marks.count());
            long t0 = System.nanoTime();
            marks.record(0);
            Thread.sleep(20);
            marks.record(1);
            double outer = (System.nanoTime() - t0) / 1e6;
            double span = marks.millis(0, 1);
            assertTrue(span >= 20 && span <= outer, "20 ms of sleep measured as " + span + " ms (the clock around it: " + outer + " ms)");
            marks.record(0); // marks are reusable: the latest recording counts
            assertTrue(marks.millis(0, 1) < 0, "mark 0 re-recorded after mark 1");
        }
    }

    @Test
    void misuseIsNamed() {
        TimeMarks marks = backend.timeMarks(2);
        marks.record(0);
        assertTrue(assertThrows(IllegalStateException.class, () -> marks.millis(0, 1)).getMessage().contains("mark 1 was never recorded"));
        assertThrows(IndexOutOfBoundsException.class, () -> marks.record(2));
        assertThrows(IllegalArgumentException.class, () -> backend.timeMarks(0));
        marks.close();
        marks.close(); // idempotent
        assertTrue(assertThrows(IllegalStateException.class, () -> marks.record(0)).getMessage().contains("closed"));
    }

    @Test
    void convolutionsNameTheirLoopStructure() {
        assertEquals("depthwise: direct loops", CpuConv2d.of(Conv2dSpec.of(Shape.of(2, 8, 9, 9), 8, 3, 1, 1, 1, 8, false)).implementation());
        assertEquals("1x1: GEMM on the input planes (no im2col)", CpuConv2d.of(Conv2dSpec.of(Shape.of(2, 8, 9, 9), 4, 1, 1, 0, 1, 1, false)).implementation());
        assertEquals("im2col + GEMM", CpuConv2d.of(Conv2dSpec.of(Shape.of(2, 8, 9, 9), 4, 3, 2, 1, 1, 1, true)).implementation());
    }
}
