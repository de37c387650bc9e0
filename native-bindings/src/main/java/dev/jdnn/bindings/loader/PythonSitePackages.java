package dev.jdnn.bindings.loader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Asks the python3 on PATH (once, with a short timeout) where its site-packages are; pip puts NVIDIA wheels there. */
final class PythonSitePackages {
    private static final String SCRIPT = "import site\nfor p in site.getsitepackages() + [site.getusersitepackages()]: print(p)";
    private static volatile List<Path> cached;

    private PythonSitePackages() {
    }

    static List<Path> query() {
        List<Path> result = cached;
        if (result == null) {
            result = run();
            cached = result;
        }
        return result;
    }

    private static List<Path> run() {
        try {
            Process p = new ProcessBuilder("python3", "-c", SCRIPT).redirectErrorStream(false).start();
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return List.of();
            }
            if (p.exitValue() != 0) return List.of();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return out.lines().filter(l -> !l.isBlank()).map(Path::of).toList();
        } catch (IOException e) {
            return List.of(); // no python3 on PATH: nothing to add
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
