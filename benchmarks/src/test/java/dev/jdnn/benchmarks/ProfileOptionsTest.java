package dev.jdnn.benchmarks;

import dev.jdnn.benchmarks.profile.ProfileOptions;
import dev.jdnn.memory.Shape;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jdnn bench --profile's command line: defaults from the model, every option, and usage errors that name the option. */
class ProfileOptionsTest {
    /** Parses like {@code jdnn bench ARGS}; the usage error, if any, surfaces as picocli's ParameterException. */
    static ProfileOptions parse(String... args) {
        BenchRunner runner = new BenchRunner();
        new CommandLine(runner).parseArgs(args);
        return runner.profileOptions();
    }

    @Test
    void defaultsComeFromTheModel() {
        ProfileOptions lenet = parse("--profile", "--model", "lenet5");
        assertEquals(Shape.of(32, 1, 32, 32), lenet.input(), "batch 32, LeNet-5's own 1x32x32");
        assertEquals(10, lenet.classes());
        assertEquals(3, lenet.warmup());
        assertEquals(10, lenet.steps());
        assertEquals(0, lenet.top());
        assertFalse(lenet.executionOrder());
        assertFalse(lenet.eval());
        assertEquals("profile-lenet5-b32", lenet.fileStem());
        ProfileOptions resnet = parse("--profile", "--model", "resnet50", "--batch", "256");
        assertEquals(Shape.of(256, 3, 224, 224), resnet.input());
        assertEquals(1000, resnet.classes());
        assertEquals(10, parse("--profile", "--model", "resnet20").classes(), "CIFAR models: 10 classes");
    }

    @Test
    void parsesEveryOption() {
        ProfileOptions o = parse("--profile", "--model", "resnet18", "--batch", "8", "--input", "3x64x48", "--classes", "7", "--steps", "4",
                "--warmup", "0", "--top", "12", "--order", "execution", "--eval");
        assertEquals(Shape.of(8, 3, 64, 48), o.input());
        assertEquals(7, o.classes());
        assertEquals(4, o.steps());
        assertEquals(0, o.warmup());
        assertEquals(12, o.top());
        assertTrue(o.executionOrder());
        assertTrue(o.eval());
        assertEquals("profile-resnet18-b8-eval", o.fileStem());
        assertNull(parse("--set", "gemm"), "no --profile: the sets run");
    }

    @Test
    void usageErrorsNameTheOption() {
        assertError("--profile needs --model", "--profile");
        assertError("unknown model 'resnet51'", "--profile", "--model", "resnet51");
        assertError("--batch must be >= 1", "--profile", "--model", "lenet5", "--batch", "0");
        assertError("--steps must be >= 1", "--profile", "--model", "lenet5", "--steps", "0");
        assertError("--warmup must be >= 0", "--profile", "--model", "lenet5", "--warmup", "-1");
        assertError("--top must be >= 0", "--profile", "--model", "lenet5", "--top", "-2");
        assertError("--order: unknown order 'size'", "--profile", "--model", "lenet5", "--order", "size");
        assertError("--input: input shape must be three integers", "--profile", "--model", "lenet5", "--input", "32x32");
        assertError("--classes must be >= 1", "--profile", "--model", "lenet5", "--classes", "0");
        assertError("--profile runs alone: leave out --set, --graphs", "--profile", "--model", "lenet5", "--set", "gemm", "--graphs", "off");
        assertError("--model, --top are for --profile only", "--model", "lenet5", "--top", "3");
        assertError("--profile profiles one compile: --fusion auto or off", "--profile", "--model", "lenet5", "--fusion", "both");
        assertError("--profile profiles one compile: one --precision and one --layout", "--profile", "--model", "lenet5", "--layout", "both");
        assertError("--profile profiles one compile: one --precision and one --layout", "--profile", "--model", "lenet5", "--precision", "tf32,bf16");
    }

    private static void assertError(String expected, String... args) {
        var e = assertThrows(CommandLine.ParameterException.class, () -> parse(args));
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void helpListsTheProfileOptions() {
        StringWriter out = new StringWriter();
        assertEquals(0, new CommandLine(new BenchRunner()).setOut(new PrintWriter(out)).execute("--help"));
        for (String option : new String[]{"--profile", "--model", "--batch", "--input", "--steps", "--warmup", "--top", "--order", "--eval"}) {
            assertTrue(out.toString().contains(option), option + " in\n" + out);
        }
    }
}
