package dev.jdnn.bindings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The committed bindings are exactly what native-bindings/generator/regenerate.sh produces from the headers. */
class GeneratedBindingsTest {
    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path COMMITTED = MODULE.resolve("src/main/java");
    private static final List<String> PACKAGES = List.of("cudart", "cuda", "cudnn", "cublas", "nvrtc");

    @TempDir
    Path out;

    @Test
    void regeneratingGivesByteIdenticalSources() throws Exception {
        assumeTrue(Files.isRegularFile(MODULE.resolve("generator/regenerate.sh")), "run from the native-bindings module directory");
        assumeTrue(run(List.of("python3", "-c", "import clang.cindex")).exit == 0, "python3 with libclang is not available (pip install --user libclang)");

        Result gen = run(List.of("bash", MODULE.resolve("generator/regenerate.sh").toString(), out.toString()));
        assumeTrue(!gen.output.contains("not found in"), "NVIDIA headers are not installed here: " + gen.output.strip());
        assertEquals(0, gen.exit, "regenerate.sh failed:\n" + gen.output);

        for (String pkg : PACKAGES) {
            Path committedDir = COMMITTED.resolve("dev/jdnn/bindings").resolve(pkg);
            Path generatedDir = out.resolve("dev/jdnn/bindings").resolve(pkg);
            assertEquals(fileNames(committedDir), fileNames(generatedDir), "generated files of package " + pkg);
            for (String name : fileNames(committedDir)) {
                String committed = Files.readString(committedDir.resolve(name));
                String generated = Files.readString(generatedDir.resolve(name));
                assumeTrue(sourceHeaderLine(committed).equals(sourceHeaderLine(generated)),
                        "the headers here differ from those the bindings were generated from (" + sourceHeaderLine(generated)
                                + " vs committed " + sourceHeaderLine(committed) + ")");
                assertEquals(committed, generated, pkg + "/" + name + " differs from a fresh generation: run regenerate.sh");
            }
        }
    }

    private static String sourceHeaderLine(String source) {
        return source.lines().filter(l -> l.startsWith("// Source header")).findFirst().orElse("(none)");
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + command);
        }
        return new Result(p.exitValue(), output);
    }
}
