package dev.jdnn.benchmarks;

import dev.jdnn.networks.graph.CompileOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** jdnn bench's command line (picocli) and the options it yields. */
class BenchOptionsTest {
    static BenchOptions parse(String... args) {
        BenchRunner runner = new BenchRunner();
        new CommandLine(runner).parseArgs(args);
        return runner.options();
    }

    @Test
    void defaultsToTheDowncallSet() {
        BenchOptions o = parse();
        assertEquals(List.of("downcall"), o.sets());
        assertFalse(o.quick());
        assertNull(o.outDir());
        assertEquals("auto", o.device());
        assertFalse(o.gpuOptional());
        assertFalse(o.deterministic(), "the fastest mode, as jdnn train");
        assertEquals(List.of(true), o.graphSettings(), "CUDA graphs on, as compiled models default to");
        assertEquals(List.of(CompileOptions.DEFAULT), o.compileSettings(), "the compile defaults");
    }

    @Test
    void graphsOffOrBoth() {
        assertEquals(List.of(false), parse("--graphs", "off").graphSettings());
        assertEquals(List.of(true, false), parse("--graphs", "both").graphSettings());
        var e = assertThrows(CommandLine.ParameterException.class, () -> parse("--graphs", "maybe"));
        assertTrue(e.getMessage().contains("'maybe'") && e.getMessage().contains("both"), e.getMessage());
    }

    @Test
    void fusionOffOrBothWithEachGraphSetting() {
        assertEquals(List.of(CompileOptions.DEFAULT.withFusion(CompileOptions.FusionMode.OFF)), parse("--fusion", "off").compileSettings());
        assertEquals(List.of(CompileOptions.DEFAULT, CompileOptions.DEFAULT.withFusion(CompileOptions.FusionMode.OFF),
                        CompileOptions.DEFAULT.withCudaGraphs(false), CompileOptions.DEFAULT.withCudaGraphs(false).withFusion(CompileOptions.FusionMode.OFF)),
                parse("--fusion", "both", "--graphs", "both").compileSettings());
        var e = assertThrows(CommandLine.ParameterException.class, () -> parse("--fusion", "on"));
        assertTrue(e.getMessage().contains("'on'") && e.getMessage().contains("auto"), e.getMessage());
    }

    @Test
    void parsesEveryOption() {
        BenchOptions o = parse("--set", "gemm,ops-cpu", "--quick", "--out", "x/y", "--rows", "a,b", "--rows", "c", "--device", "cpu", "--deterministic");
        assertEquals(List.of("gemm", "ops-cpu"), o.sets());
        assertTrue(o.quick());
        assertEquals(Path.of("x/y"), o.outDir());
        assertEquals(List.of("a", "b", "c"), o.rows());
        assertEquals("cpu", o.device());
        assertTrue(o.deterministic());
    }

    @Test
    void allExpandsToEverySetOnceAndMakesGpuSetsOptional() {
        BenchOptions o = parse("--set", "downcall,all");
        assertEquals(BenchOptions.SETS, o.sets());
        assertTrue(o.gpuOptional());
    }

    @Test
    void badInputNamesTheArgument() {
        var e = assertThrows(CommandLine.ParameterException.class, () -> parse("--set", "opz"));
        assertTrue(e.getMessage().contains("'opz'") && e.getMessage().contains("ops-cpu"), e.getMessage());
        e = assertThrows(CommandLine.ParameterException.class, () -> parse("--set"));
        assertTrue(e.getMessage().contains("--set"), e.getMessage());
        e = assertThrows(CommandLine.ParameterException.class, () -> parse("--device", "tpu"));
        assertTrue(e.getMessage().contains("'tpu'"), e.getMessage());
        e = assertThrows(CommandLine.ParameterException.class, () -> parse("--fast"));
        assertTrue(e.getMessage().contains("--fast"), e.getMessage());
    }

    @Test
    void helpListsTheOptionsAndAUsageErrorExitsWith2() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = new CommandLine(new BenchRunner()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        assertEquals(0, cmd.execute("--help"));
        for (String option : List.of("--set", "--quick", "--out", "--rows", "--device", "--graphs", "--deterministic")) assertTrue(out.toString().contains(option), out.toString());
        assertEquals(2, new CommandLine(new BenchRunner()).setErr(new PrintWriter(err)).execute("--set", "opz"));
        assertTrue(err.toString().contains("'opz'"), err.toString());
    }
}
