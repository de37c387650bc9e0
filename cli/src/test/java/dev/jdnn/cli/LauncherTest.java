package dev.jdnn.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher's decision to rebuild ({@code JDNN_LAUNCHER_DRY_RUN=1 ./jdnn}: says what it would do, builds and runs
 * nothing), on a copy of the script in a fake checkout whose jars and sources are empty files with chosen times:
 * a missing jar (the CLI's own, or a jdnn module's copy in cli/target/lib, which is how ci/gpu-bundle.sh used to
 * break ./jdnn) or a source newer than any of them means a build; build outputs and run directories do not count.
 */
class LauncherTest {
    private static final List<String> LIB_MODULES = List.of("native-bindings", "memory", "ops", "networks", "training");
    private static final Instant BUILT = Instant.parse("2026-01-02T00:00:00Z");

    @TempDir
    Path checkout;

    @BeforeEach
    void fakeCheckout() throws Exception {
        Path script = Path.of("../jdnn");
        if (!Files.isRegularFile(script)) script = Path.of("jdnn");
        assumeTrue(Files.isRegularFile(script), "the jdnn launcher is not reachable from " + Path.of("").toAbsolutePath());
        Files.copy(script, checkout.resolve("jdnn"));
        file("ops/src/main/java/dev/jdnn/ops/Backend.java", BUILT.minusSeconds(3600));
        file("cli/pom.xml", BUILT.minusSeconds(3600));
        file("cli/target/jdnn-cli-0.1.0-SNAPSHOT.jar", BUILT);
        for (String m : LIB_MODULES) file("cli/target/lib/jdnn-" + m + "-0.1.0-SNAPSHOT.jar", BUILT);
    }

    private Path file(String relative, Instant time) throws Exception {
        Path p = checkout.resolve(relative);
        Files.createDirectories(p.getParent());
        if (!Files.exists(p)) Files.createFile(p);
        Files.setLastModifiedTime(p, FileTime.from(time));
        return p;
    }

    private String decision() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", checkout.resolve("jdnn").toString(), "info").redirectErrorStream(true);
        pb.environment().put("JDNN_LAUNCHER_DRY_RUN", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
        assertEquals(0, p.exitValue(), out);
        return out.strip();
    }

    @Test
    void upToDateWhenEveryJarIsNewerThanEverySource() throws Exception {
        assertEquals("jdnn: up to date", decision());
    }

    @Test
    void aMissingModuleJarInCliLibMeansABuild() throws Exception {
        Files.delete(checkout.resolve("cli/target/lib/jdnn-ops-0.1.0-SNAPSHOT.jar"));
        assertEquals("jdnn: would build: cli/target/lib/jdnn-ops-0.1.0-SNAPSHOT.jar is missing", decision());
    }

    @Test
    void aMissingCliJarMeansABuild() throws Exception {
        Files.delete(checkout.resolve("cli/target/jdnn-cli-0.1.0-SNAPSHOT.jar"));
        assertEquals("jdnn: would build: cli/target/jdnn-cli-0.1.0-SNAPSHOT.jar is missing", decision());
    }

    @Test
    void aSourceNewerThanTheOldestJarMeansABuild() throws Exception {
        // A module rebuilt alone (its own target/ jar is new) leaves the CLI's copy stale: the copy is what runs.
        file("cli/target/lib/jdnn-ops-0.1.0-SNAPSHOT.jar", BUILT.minusSeconds(7200));
        assertEquals("jdnn: would build: ops/src/main/java/dev/jdnn/ops/Backend.java is newer than cli/target/lib/jdnn-ops-0.1.0-SNAPSHOT.jar", decision());
        file("cli/target/lib/jdnn-ops-0.1.0-SNAPSHOT.jar", BUILT);
        file("training/src/main/resources/dev/jdnn/training/x.txt", BUILT.plusSeconds(60));
        assertTrue(decision().startsWith("jdnn: would build: training/src/main/resources/dev/jdnn/training/x.txt is newer than"), decision());
    }

    @Test
    void buildOutputsAndRunDirectoriesDoNotCount() throws Exception {
        file("networks/target/generated-sources/X.java", BUILT.plusSeconds(60));
        file("runs/resnet20-1/config.json", BUILT.plusSeconds(60));
        file("build/gpu-bundle/jdnn-gpu/Y.java", BUILT.plusSeconds(60));
        assertEquals("jdnn: up to date", decision());
    }
}
