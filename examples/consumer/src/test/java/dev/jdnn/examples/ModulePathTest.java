package dev.jdnn.examples;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The jars as named modules: on the module path their Automatic-Module-Names hold, and the README's flags for
 * module-path users (native access granted by module name) leave no restricted-method warning.
 */
class ModulePathTest {
    /** The child: names the modules, opens the auto backend (which probes the NVIDIA libraries: restricted calls). */
    public static void main(String[] args) {
        System.out.println("MODULES " + dev.jdnn.networks.Layer.class.getModule().getName() + " " + dev.jdnn.training.inference.Predictor.class.getModule().getName()
                + " " + dev.jdnn.ops.Backend.class.getModule().getName() + " " + dev.jdnn.memory.Tensor.class.getModule().getName()
                + " " + dev.jdnn.bindings.loader.NativeLibraries.class.getModule().getName());
        try (dev.jdnn.ops.Backend b = dev.jdnn.ops.backends.Backends.open("auto")) {
            System.out.println("BACKEND " + b.name());
        }
    }

    @Test
    void theJarsAreNamedModules() throws Exception {
        List<String> modulePath = new ArrayList<>(), classPath = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(File.pathSeparator)) {
            boolean library = p.contains("/dev/jdnn/") || p.contains("/com/fasterxml/");
            (library ? modulePath : classPath).add(p);
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", String.join(File.pathSeparator, modulePath),
                "--add-modules", "jdk.incubator.vector,dev.jdnn.training",
                "--enable-native-access=dev.jdnn.bindings,dev.jdnn.memory",
                "-cp", String.join(File.pathSeparator, classPath), ModulePathTest.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> "child JVM failed:\n" + output);
        assertTrue(output.contains("MODULES dev.jdnn.networks dev.jdnn.training dev.jdnn.ops dev.jdnn.memory dev.jdnn.bindings"), output);
        assertTrue(output.contains("BACKEND "), output);
        assertFalse(output.contains("restricted method"), "native access granted by module name:\n" + output);
    }
}
