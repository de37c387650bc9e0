package dev.jdnn.benchmarks;

import dev.jdnn.memory.cuda.CudaDevice;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What a results file says about the machine, and the short device label of the results directory. */
public final class DeviceInfo {
    private DeviceInfo() {}

    /** "nvidia-h100-80gb-hbm3" style for a GPU, "cpu-2core" otherwise: lower case, safe in a directory name. */
    public static String label(boolean cuda) {
        String raw = cuda ? CudaDevice.describe(0).name() : "cpu-" + Runtime.getRuntime().availableProcessors() + "core";
        return slug(raw);
    }

    static String slug(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        return t.replaceAll("^-+|-+$", "");
    }

    public static Map<String, Object> meta(boolean cuda, BenchOptions options, String[] args) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", Instant.now().toString());
        m.put("device", cuda ? CudaDevice.describe(0).toString() : "none (no usable CUDA device)");
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        m.put("quick", options.quick());
        m.put("deterministic", options.deterministic());
        m.put("command", "jdnn bench " + String.join(" ", args));
        return m;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: fall through
        }
        return System.getProperty("os.arch");
    }
}
