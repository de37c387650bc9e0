package dev.jdnn.benchmarks;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BenchOptionsTest {
    @Test
    void defaultsToTheDowncallSet() {
        BenchOptions o = BenchOptions.parse();
        assertEquals(List.of("downcall"), o.sets());
        assertFalse(o.quick());
        assertNull(o.outDir());
        assertEquals("auto", o.device());
        assertFalse(o.gpuOptional());
        assertEquals(List.of(true), o.graphSettings(), "CUDA graphs on, as compiled models default to");
    }

    @Test
    void graphsOffOrBoth() {
        assertEquals(List.of(false), BenchOptions.parse("--graphs", "off").graphSettings());
        assertEquals(List.of(true, false), BenchOptions.parse("--graphs", "both").graphSettings());
        var e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--graphs", "maybe"));
        assertTrue(e.getMessage().contains("'maybe'") && e.getMessage().contains("both"), e.getMessage());
    }

    @Test
    void parsesEveryOption() {
        BenchOptions o = BenchOptions.parse("--set", "gemm,ops-cpu", "--quick", "--out", "x/y", "--rows", "a,b", "--rows", "c", "--device", "cpu");
        assertEquals(List.of("gemm", "ops-cpu"), o.sets());
        assertTrue(o.quick());
        assertEquals(Path.of("x/y"), o.outDir());
        assertEquals(List.of("a", "b", "c"), o.rows());
        assertEquals("cpu", o.device());
    }

    @Test
    void allExpandsToEverySetOnceAndMakesGpuSetsOptional() {
        BenchOptions o = BenchOptions.parse("--set", "downcall,all");
        assertEquals(BenchOptions.SETS, o.sets());
        assertTrue(o.gpuOptional());
    }

    @Test
    void badInputNamesTheArgument() {
        var e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--set", "opz"));
        assertTrue(e.getMessage().contains("'opz'") && e.getMessage().contains("ops-cpu"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--set"));
        assertTrue(e.getMessage().contains("--set needs a value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--device", "tpu"));
        assertTrue(e.getMessage().contains("'tpu'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--fast"));
        assertTrue(e.getMessage().contains("'--fast'") && e.getMessage().contains("usage"), e.getMessage());
    }

    @Test
    void helpIsRecognised() {
        assertTrue(BenchOptions.wantsHelp("--set", "gemm", "--help"));
        assertFalse(BenchOptions.wantsHelp("--set", "gemm"));
        assertTrue(BenchOptions.usage().contains("cifar_resnet20_train_b32"));
    }
}
