package dev.jdnn.cli;

import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.LibraryStatus;
import dev.jdnn.bindings.loader.NativeLibraries;
import dev.jdnn.memory.cuda.CudaDevice;
import dev.jdnn.memory.cuda.CudaReadiness;
import dev.jdnn.memory.cuda.CudaRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code jdnn info}: what this machine offers jdnn (JDK, CPU, vector width, NVIDIA libraries, GPUs, backend choice). */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the JDK, CPU, Vector API width, NVIDIA libraries, GPUs, and which backend 'auto' would pick.")
public final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /**
     * {@code jdnn info} on its own. The GPU bundle's runtime leaves out java.desktop, which picocli would need to
     * introspect the image-handling commands of {@link Main}; this entry point loads none of them.
     */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new InfoCommand()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        printJava(out);
        printCpu(out);
        printNvidia(out);
        out.flush();
        return 0;
    }

    private static void printJava(PrintWriter out) {
        out.println("Java");
        out.println("  version: " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        out.println("  home:    " + System.getProperty("java.home"));
        out.println("  OS:      " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    private static void printCpu(PrintWriter out) {
        out.println("CPU");
        out.println("  model:   " + cpuModel());
        out.println("  cores:   " + Runtime.getRuntime().availableProcessors() + " available to the JVM");
        out.println("  vector:  " + VectorWidth.describe());
    }

    private static void printNvidia(PrintWriter out) {
        out.println("NVIDIA libraries");
        List<LibraryStatus> report = LibraryStatus.report();
        for (LibraryStatus status : report) out.println("  " + status.toString().replace("\n", "\n  "));
        out.println("CUDA");
        CudaRuntime.Availability availability = CudaRuntime.availability();
        if (report.stream().anyMatch(s -> s.library() == Library.CUDART && s.available())) {
            out.println("  runtime: " + CudaRuntime.runtimeVersion() + ", driver supports: " + CudaRuntime.driverVersion());
        }
        if (availability.available()) {
            for (CudaDevice device : CudaRuntime.devices()) {
                CudaDevice.MemoryInfo memory = device.memoryInfo();
                out.println("  GPU " + device + ", %,d MiB free".formatted(memory.freeBytes() >> 20));
            }
        } else {
            out.println("  no GPU: " + availability.reason().replace("\n", "\n    "));
        }
        CudaReadiness readiness = CudaReadiness.check();
        out.println("Backend");
        out.println("  auto would pick: " + (readiness.ready() ? "cuda" : "cpu") + " (" + firstLine(readiness.reason()) + ")");
        out.println("  deterministic: off by default on the GPU (fastest cuDNN algorithms); --deterministic on train, finetune, eval, predict"
                + " and bench makes GPU runs repeatable; the CPU backend always is");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The "model name" line of /proc/cpuinfo (Linux), else the architecture. */
    static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(cpuinfo)) {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown (" + System.getProperty("os.arch") + ")";
    }
}
