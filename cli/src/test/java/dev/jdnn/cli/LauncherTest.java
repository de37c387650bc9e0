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
 * break ./jdnn) or a module's main source newer than that module's jar means a build; test sources, build outputs
 * and run directories do not count, and an old jar whose own module did not change is no reason (Maven leaves such
 * a jar as it was, so counting it would rebuild on every run).
 */
class LauncherTest {
    private static final List<String> LIB_MODULES = List.of("native-bindings", "memory", "ops", "networks", "training", "benchmarks");
    private static final Instant BUILT = Instant.parse("2026-01-02T00:00:00Z");

    @TempDir
    Path checkout;

    @BeforeEach
    void fakeCheckout() throws Exception {
        Path script = Path.of("../jdnn");
        if (!Files.isRegularFile(script)) script = Path.of("jdnn");
        assumeTrue(Files.isRegularFile(script), "the jdnn launcher is not reachable from " + Path.of("").toAbsolutePath());
        Files.copy(script, checkout.resolve("jdnn"));
        file("cli/target/jdnn-cli-0.1.0-SNAPSHOT.jar", BUILT);
        file("cli/pom.xml", BUILT.minusSeconds(3600));
        file("cli/src/main/java/dev/jdnn/cli/Main.java", BUILT.minusSeconds(3600));
        for (String m : LIB_MODULES) {
            file("cli/target/lib/jdnn-" + m + "-0.1.0-SNAPSHOT.jar", BUILT);
            file(m + "/pom.xml", BUILT.minusSeconds(3600));
        }
        file("ops/src/main/java/dev/jdnn/ops/Backend.java", BUILT.minusSeconds(3600));
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
        assertEquals("jdnn: would build: cli/target/lib has no jdnn-ops jar", decision());
    }

    @Test
    void aMissingCliJarMeansABuild() throws Exception {
        Files.delete(checkout.resolve("cli/target/jdnn-cli-0.1.0-SNAPSHOT.jar"));
        assertEquals("jdnn: would build: cli/target has no jdnn-cli jar", decision());
    }

    @Test
    void aMainSourceNewerThanItsModulesJarMeansABuild() throws Exception {
        file("ops/src/main/java/dev/jdnn/ops/Backend.java", BUILT.plusSeconds(60));
        assertEquals("jdnn: would build: ops/src/main/java/dev/jdnn/ops/Backend.java is newer than cli/target/lib/jdnn-ops-0.1.0-SNAPSHOT.jar", decision());
    }

    @Test
    void aModuleRebuiltAloneLeavesTheCliCopyStale() throws Exception {
        // ./mvnw -pl ops package renews ops/target's jar, not the copy the CLI runs with
        file("cli/target/lib/jdnn-ops-0.1.0-SNAPSHOT.jar", BUILT.minusSeconds(7200));
        assertEquals("jdnn: would build: ops/src/main/java/dev/jdnn/ops/Backend.java is newer than cli/target/lib/jdnn-ops-0.1.0-SNAPSHOT.jar", decision());
    }

    @Test
    void resourcesAndModulePomsCount() throws Exception {
        file("training/src/main/resources/dev/jdnn/training/x.txt", BUILT.plusSeconds(60));
        assertEquals("jdnn: would build: training/src/main/resources/dev/jdnn/training/x.txt is newer than cli/target/lib/jdnn-training-0.1.0-SNAPSHOT.jar", decision());
        file("training/src/main/resources/dev/jdnn/training/x.txt", BUILT.minusSeconds(60));
        file("cli/pom.xml", BUILT.plusSeconds(60));
        assertEquals("jdnn: would build: cli/pom.xml is newer than cli/target/jdnn-cli-0.1.0-SNAPSHOT.jar", decision());
    }

    @Test
    void anOldJarWhoseModuleDidNotChangeIsNoReason() throws Exception {
        // native-bindings was built long ago and has not changed since; ops changed and was rebuilt after it
        file("cli/target/lib/jdnn-native-bindings-0.1.0-SNAPSHOT.jar", BUILT.minusSeconds(9000));
        file("native-bindings/pom.xml", BUILT.minusSeconds(9500));
        file("native-bindings/src/main/java/dev/jdnn/bindings/Check.java", BUILT.minusSeconds(9500));
        assertEquals("jdnn: up to date", decision());
    }

    @Test
    void testSourcesBuildOutputsAndRunDirectoriesDoNotCount() throws Exception {
        file("ops/src/test/java/dev/jdnn/ops/BackendTest.java", BUILT.plusSeconds(60));
        file("networks/target/generated-sources/X.java", BUILT.plusSeconds(60));
        file("runs/resnet20-1/config.json", BUILT.plusSeconds(60));
        file("build/gpu-bundle/jdnn-gpu/Y.java", BUILT.plusSeconds(60));
        assertEquals("jdnn: up to date", decision());
    }
}
