package dev.jdnn.cli;

import dev.jdnn.memory.cuda.CudaRuntime;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

class InfoCommandTest {

    @Test
    void printsEverySectionAndExitsZero() {
        CommandLine cli = Main.commandLine();
        StringWriter text = new StringWriter();
        cli.setOut(new PrintWriter(text));
        int exit = cli.execute("info");
        String out = text.toString();

        assertEquals(0, exit, out);
        assertTrue(out.contains("Java\n  version: " + Runtime.version()), out);
        assertTrue(out.contains("CPU\n  model:   "), out);
        assertTrue(out.contains("  cores:   " + Runtime.getRuntime().availableProcessors() + " available"), out);
        assertTrue(out.contains("  vector:  preferred float species "), "surefire enables the Vector API: " + out);
        for (String lib : new String[]{"CUDA runtime", "CUDA driver", "cuDNN", "cuBLAS", "NVRTC"}) {
            assertTrue(out.contains("\n  " + lib + ": "), lib + " line missing: " + out);
        }
        assertTrue(out.contains("Backend\n  auto would pick: " + (out.contains("auto would pick: cuda") ? "cuda" : "cpu")), out);
        assertTrue(out.contains("\n  deterministic: off by default on the GPU"), out);
        assertTrue(out.contains("\n  fusion: off by default until cuDNN's fused graphs are verified on a GPU"), out);
        assertTrue(out.contains("\n  precision tf32 = "), "what --precision and --layout default to here: " + out);
        if (!CudaRuntime.isAvailable()) {
            assertTrue(out.contains("  no GPU: "), out);
            assertTrue(out.contains("auto would pick: cpu ("), out);
        }
    }

    /** What tf32 and auto mean, from the device's compute capability (the CPU: float32 and NCHW). */
    @Test
    void autoChoicesFollowTheComputeCapability() {
        assertEquals("precision tf32 = fp32 here (the CPU has no TF32), layout auto = nchw (the CPU backend's own)", InfoCommand.autoChoices(null));
        String hopper = InfoCommand.autoChoices(new dev.jdnn.memory.cuda.CudaDevice(0, "H200", 9, 0, 1L << 37, 132));
        assertTrue(hopper.startsWith("precision tf32 = TF32 tensor cores for float32 convolutions and matrix products, layout auto = nhwc"), hopper);
        String volta = InfoCommand.autoChoices(new dev.jdnn.memory.cuda.CudaDevice(0, "V100", 7, 0, 1L << 34, 80));
        assertTrue(volta.startsWith("precision tf32 = fp32 (no TF32 before compute capability 8.0), layout auto = nhwc"), volta);
        String pascal = InfoCommand.autoChoices(new dev.jdnn.memory.cuda.CudaDevice(0, "P100", 6, 0, 1L << 34, 56));
        assertTrue(pascal.contains("layout auto = nchw (no tensor cores before compute capability 7.0)"), pascal);
    }

    @Test
    void cpuModelIsReadFromProcCpuinfo() {
        String model = InfoCommand.cpuModel();
        assertFalse(model.isBlank());
    }
}
