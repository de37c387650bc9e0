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
    void fusionOffByDefaultAutoOrBothWithEachGraphSetting() {
        assertEquals(List.of(CompileOptions.DEFAULT), parse("--fusion", "off").compileSettings());
        assertEquals(CompileOptions.FusionMode.OFF, CompileOptions.DEFAULT.fusion(), "off until cuDNN's fused engines are verified on a GPU");
        assertEquals(List.of(CompileOptions.DEFAULT.withFusion(CompileOptions.FusionMode.AUTO)), parse("--fusion", "auto").compileSettings());
        CompileOptions auto = CompileOptions.DEFAULT.withFusion(CompileOptions.FusionMode.AUTO);
        assertEquals(List.of(CompileOptions.DEFAULT, auto, CompileOptions.DEFAULT.withCudaGraphs(false), auto.withCudaGraphs(false)),
                parse("--fusion", "both", "--graphs", "both").compileSettings());
        var e = assertThrows(CommandLine.ParameterException.class, () -> parse("--fusion", "on"));
        assertTrue(e.getMessage().contains("'on'") && e.getMessage().contains("auto"), e.getMessage());
    }

    @Test
    void precisionsAndLayoutsMultiplyTheCompiles() {
        CompileOptions.Precision tf32 = CompileOptions.Precision.TF32, bf16 = CompileOptions.Precision.BF16;
        CompileOptions.Layout nchw = CompileOptions.Layout.NCHW, nhwc = CompileOptions.Layout.NHWC;
        assertEquals(List.of(CompileOptions.DEFAULT.withLayout(nchw), CompileOptions.DEFAULT.withLayout(nhwc),
                        CompileOptions.DEFAULT.withPrecision(bf16).withLayout(nchw), CompileOptions.DEFAULT.withPrecision(bf16).withLayout(nhwc)),
                parse("--precision", "tf32,bf16", "--layout", "both").compileSettings());
        assertEquals(List.of(CompileOptions.Precision.values()), parse("--precision", "all").precisions());
        assertEquals(List.of(tf32), parse().precisions());
        assertEquals(List.of(CompileOptions.Layout.AUTO), parse().layouts());
        assertEquals(List.of(nhwc), parse("--layout", "nhwc", "--layout", "nhwc").layouts(), "each once");
        var e = assertThrows(CommandLine.ParameterException.class, () -> parse("--precision", "fp8"));
        assertTrue(e.getMessage().contains("'fp8'") && e.getMessage().contains("bf16"), e.getMessage());
        e = assertThrows(CommandLine.ParameterException.class, () -> parse("--layout", "chwn"));
        assertTrue(e.getMessage().contains("'chwn'") && e.getMessage().contains("both"), e.getMessage());
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
        for (String option : List.of("--set", "--quick", "--out", "--rows", "--device", "--graphs", "--deterministic", "--precision", "--layout", "--fusion")) assertTrue(out.toString().contains(option), out.toString());
        assertEquals(2, new CommandLine(new BenchRunner()).setErr(new PrintWriter(err)).execute("--set", "opz"));
        assertTrue(err.toString().contains("'opz'"), err.toString());
    }
}
