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
        if (!CudaRuntime.isAvailable()) {
            assertTrue(out.contains("  no GPU: "), out);
            assertTrue(out.contains("auto would pick: cpu ("), out);
        }
    }

    @Test
    void cpuModelIsReadFromProcCpuinfo() {
        String model = InfoCommand.cpuModel();
        assertFalse(model.isBlank());
    }
}
