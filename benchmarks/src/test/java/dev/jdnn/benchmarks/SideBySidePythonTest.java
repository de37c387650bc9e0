package dev.jdnn.benchmarks;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs benchmarks/pytorch/test_side_by_side.py (python3 -m unittest); skips where python3 is absent. */
class SideBySidePythonTest {
    @Test
    void pythonUnitTestsPass() throws Exception {
        Path dir = Path.of("pytorch");
        if (!Files.isDirectory(dir)) dir = Path.of("benchmarks/pytorch");
        assumeTrue(Files.isDirectory(dir), "benchmarks/pytorch is not reachable from " + Path.of("").toAbsolutePath());
        assumeTrue(python3Present(), "python3 is not installed");
        Process p = new ProcessBuilder("python3", "-m", "unittest", "discover", "-s", dir.toString(), "-p", "test_*.py")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 unittest did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("OK"), out);
    }

    private static boolean python3Present() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
