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
        CudaDevice gpu = readiness.ready() && availability.available() ? CudaRuntime.devices().getFirst() : null;
        out.println("  " + autoChoices(gpu));
        out.println("  fusion: off by default until cuDNN's fused graphs are verified on a GPU; --fusion auto uses them on CUDA");
    }

    /**
     * What --precision and --layout default to on the device auto picks ({@code gpu}; null for the CPU): tf32 and an
     * automatic layout, meaning TF32 from compute capability 8.0 and NHWC from 7.0 (tensor cores) on a GPU, float32
     * and NCHW on the CPU.
     */
    static String autoChoices(CudaDevice gpu) {
        if (gpu == null) return "precision tf32 = fp32 here (the CPU has no TF32), layout auto = nchw (the CPU backend's own)";
        int cc = gpu.computeMajor() * 10 + gpu.computeMinor();
        String tf32 = cc >= 80 ? "TF32 tensor cores for float32 convolutions and matrix products" : "fp32 (no TF32 before compute capability 8.0)";
        String layout = cc >= 70 ? "nhwc (tensor cores want channels-last)" : "nchw (no tensor cores before compute capability 7.0)";
        return "precision tf32 = " + tf32 + ", layout auto = " + layout + " on GPU " + gpu.ordinal() + " (compute capability "
                + gpu.computeCapability() + "); --precision fp32|tf32|bf16|fp16, --layout auto|nchw|nhwc";
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
