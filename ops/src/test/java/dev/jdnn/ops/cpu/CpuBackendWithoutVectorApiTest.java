package dev.jdnn.ops.cpu;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A program started without {@code --add-modules jdk.incubator.vector} gets, from {@code new CpuBackend()}, an
 * exception naming that flag, instead of a NoClassDefFoundError from the first kernel. Run in a child JVM without it.
 */
class CpuBackendWithoutVectorApiTest {
    /** The child: constructs the backend and prints what was thrown. */
    public static void main(String[] args) {
        try {
            new CpuBackend().close();
            System.out.println("CONSTRUCTED");
        } catch (Throwable t) {
            System.out.println("THROWN " + t.getClass().getName() + ": " + t.getMessage());
        }
    }

    @Test
    void theErrorNamesTheMissingFlag() throws IOException, InterruptedException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CpuBackendWithoutVectorApiTest.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> "child JVM failed:\n" + output);
        assertTrue(output.contains("THROWN java.lang.IllegalStateException") && output.contains("--add-modules jdk.incubator.vector"), output);
    }

    @Test
    void thisJvmHasTheModule() {
        assertNull(CpuBackend.unavailableReason()); // the build's argLine adds it
    }
}
