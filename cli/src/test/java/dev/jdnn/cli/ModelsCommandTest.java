package dev.jdnn.cli;

import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.ModelSummary;
import dev.jdnn.networks.models.Models;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelsCommandTest {
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void csvListsEveryModelWithTorchvisionsCounts() {
        Run r = run("models", "--csv");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("name,params,macs", lines.getFirst());
        assertEquals(Models.names().size() + 1, lines.size());
        long resnet50Macs = ModelSummary.of(Models.create("resnet50"), 3, 224, 224).macs();
        assertTrue(lines.contains("resnet50,25557032," + resnet50Macs), r.out());
        assertTrue(resnet50Macs > 4_080_000_000L && resnet50Macs < 4_100_000_000L);
    }

    @Test
    void inputAndClassesReachTheBuilders() {
        Run r = run("models", "--csv", "--input", "1x28x28", "--classes", "10", "--model", "lenet5_28,resnet20");
        assertEquals(0, r.exit(), r.err());
        long resnet20 = Models.create("resnet20", ModelConfig.of(10, 1, 28, 28)).parameterCount();
        assertEquals(List.of("name,params,macs", "lenet5_28,61706,416520",
                "resnet20," + resnet20 + "," + ModelSummary.of(Models.create("resnet20", ModelConfig.of(10, 1, 28, 28)), 1, 28, 28).macs()),
                r.out().lines().toList());
        // 1 input channel instead of 3: the stem conv loses 2*16*9 weights.
        assertEquals(269_722 - 2 * 16 * 9, resnet20);
    }

    @Test
    void tableMarksModelsTheInputIsTooSmallFor() {
        Run r = run("models", "--input", "3x32x32", "--classes", "10", "--model", "alexnet,resnet18");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("multiply-adds"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("alexnet") && l.contains("n/a")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("resnet18") && l.contains("11,181,642")), r.out());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        Run bad = run("models", "--input", "224x224");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("CxHxW") && bad.err().contains("224x224"), bad.err());
        Run unknown = run("models", "--model", "resnet19");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("resnet19") && unknown.err().contains("resnet18"), unknown.err());
    }
}
