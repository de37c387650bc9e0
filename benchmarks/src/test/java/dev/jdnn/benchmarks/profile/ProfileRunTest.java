package dev.jdnn.benchmarks.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.benchmarks.BenchRunner;
import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.networks.graph.ModelProfile;
import dev.jdnn.networks.graph.ModelTrace;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jdnn bench --profile} on the CPU, end to end: the command writes a Markdown report and a JSON document whose
 * nodes are the training graph's ops (compared with {@link ModelTrace}, which traces the model independently), whose
 * shares sum to 100 %, and whose rates follow from its multiply-adds, bytes, times and ceilings.
 */
class ProfileRunTest {
    private static final double EPS = 1e-9;

    @Test
    void theCommandWritesAReportWithARowPerNodeOfTheGraph(@TempDir Path tmp) throws Exception {
        String[] args = {"--profile", "--model", "resnet20", "--batch", "4", "--steps", "1", "--warmup", "0", "--quick", "--device", "cpu", "--out", tmp.toString()};
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new BenchRunner()).execute(args);
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, exit);
        String md = Files.readString(tmp.resolve("profile-resnet20-b4.md"));
        assertTrue(captured.toString(StandardCharsets.UTF_8).contains(md), "the report is printed too");
        JsonNode doc = new ObjectMapper().readTree(tmp.resolve("profile-resnet20-b4.json").toFile());

        List<ModelTrace.Op> ops = ModelTrace.of(Models.create("resnet20", ModelConfig.of(10, 3, 32, 32)), Shape.of(4, 3, 32, 32), true).ops();
        JsonNode nodes = doc.get("nodes");
        assertEquals(ops.size(), nodes.size(), "one node per op of the training graph");
        assertEquals(ops.size(), nodeTableRows(md).size(), "and one table row each (no --top)");
        double shares = doc.get("outside_node_calls_ms").get("share").asDouble(), nodeMillis = 0;
        for (int k = 0; k < ops.size(); k++) {
            JsonNode n = nodes.get(k);
            ModelTrace.Op op = ops.get(k);
            assertEquals("training", n.get("graph").asText());
            assertEquals(k, n.get("index").asInt());
            assertEquals(op.path(), n.get("path").asText());
            assertEquals(op.kind(), n.get("kind").asText());
            assertEquals(op.macs(), n.get("forward").get("macs").asLong(), op.path());
            assertTrue(n.get("inputs").isArray() && n.get("inputs").get(0).asText().startsWith("float32["), n.toString());
            assertTrue(n.get("output").asText().startsWith("float32" + op.output()), n.toString());
            JsonNode backward = n.get("backward");
            if (op.kind().equals("conv2d")) {
                long b = backward.get("macs").asLong();
                assertTrue(b == op.macs() || b == 2 * op.macs(), "a conv's backward: the weight gradient, and the data gradient unless it is the first: " + n);
                assertTrue(n.get("implementation").asText().equals("im2col + GEMM"), n.toString());
            }
            for (JsonNode t : new JsonNode[]{n.get("forward"), backward}) if (t != null && !t.isNull()) checkRates(t, doc.get("ceilings"));
            shares += n.get("share").asDouble();
            nodeMillis += n.get("forward").get("ms").asDouble() + (backward.isNull() ? 0 : backward.get("ms").asDouble());
        }
        assertEquals(1.0, shares, 1e-6, "the nodes' shares and the rest's sum to 100 %");
        assertEquals(doc.get("node_ms").asDouble(), nodeMillis, EPS * nodeMillis);
        JsonNode outside = doc.get("outside_node_calls_ms");
        double parts = outside.get("before_first_call").asDouble() + outside.get("loss").asDouble() + outside.get("after_last_call").asDouble()
                + outside.get("between_calls").asDouble();
        assertEquals(doc.get("profiled_step_ms").asDouble(), nodeMillis + parts, 1e-6 * nodeMillis, "nodes + outside = the profiled step");

        int kindNodes = 0;
        for (JsonNode k : doc.get("by_kind")) kindNodes += k.get("nodes").asInt();
        assertEquals(ops.size(), kindNodes);
        assertEquals("cpu", doc.get("backend").asText());
        assertEquals(List.of(4, 3, 32, 32), List.of(doc.get("input").get(0).asInt(), doc.get("input").get(1).asInt(), doc.get("input").get(2).asInt(), doc.get("input").get(3).asInt()));
        assertTrue(doc.get("step_ms").asDouble() > 0 && doc.get("graph_capture").isTextual());
        assertTrue(doc.get("ceilings").get("gemm_flops_per_s").asDouble() > 0 && doc.get("ceilings").get("copy_bytes_per_s").asDouble() > 0);
        assertTrue(doc.get("meta").get("command").asText().contains("--profile --model resnet20"), doc.get("meta").toString());
        assertTrue(md.contains("eager (no CUDA-graph replay)") && md.contains("## By op kind") && md.contains("(outside node calls"), md);
    }

    /** FLOP/s = 2 macs / s for nodes with multiply-adds (against the GEMM ceiling), else bytes / s against the copy's. */
    private static void checkRates(JsonNode t, JsonNode ceilings) {
        double seconds = t.get("ms").asDouble() / 1e3;
        long macs = t.get("macs").asLong(), bytes = t.get("bytes").asLong();
        if (seconds <= 0) return;
        assertEquals(bytes / seconds, t.get("bytes_per_s").asDouble(), EPS * bytes / seconds);
        if (macs > 0) {
            assertEquals(2.0 * macs / seconds, t.get("flops_per_s").asDouble(), EPS * macs / seconds);
            assertEquals(2.0 * macs / seconds / ceilings.get("gemm_flops_per_s").asDouble(), t.get("of_ceiling").asDouble(), 1e-9);
        } else {
            assertTrue(t.get("flops_per_s").isNull(), "no FLOP/s without multiply-adds: " + t);
            assertEquals(bytes / seconds / ceilings.get("copy_bytes_per_s").asDouble(), t.get("of_ceiling").asDouble(), 1e-9);
        }
    }

    /** Fusion forced on (on the CPU, the compositions): the fused nodes are profiled like the others and the report says so. */
    @Test
    void aFusedCompileProfilesItsFusedNodes() {
        try (CpuBackend cpu = new CpuBackend()) {
            ProfileReport r = ProfileRun.run(ProfileOptions.of("resnet20", 4, null, null, 0, 1, 0, "time", false), cpu, true, Map.of(),
                    CompileOptions.DEFAULT.withFusion(CompileOptions.FusionMode.ON));
            assertTrue(r.what().endsWith("; fusion on (forced): evaluation conv-bias-activation 13/19 fused; training conv-stats + bn-finalize 19/19 fused, "
                    + "bn-backward 19/19 fused, dgrad-drelu 9/10 fused"), r.what());
            List<ModelProfile.Row> fused = r.profile().rows().stream().filter(row -> row.kind().endsWith("(fused)")).toList();
            assertEquals(19, fused.size(), "one node per conv + batch norm group");
            for (ModelProfile.Row row : fused) {
                assertTrue(row.forward().macs() > 0 && row.forward().bytes() > 0 && row.backward().bytes() > 0, row.toString());
                assertTrue(row.implementation().startsWith("conv-stats: CPU composition"), row.implementation());
            }
        }
    }

    @Test
    void topAndOrderSelectTheListedNodesAndAnEvaluationProfileHasNoBackward() {
        try (CpuBackend cpu = new CpuBackend()) {
            ProfileOptions train = ProfileOptions.of("lenet5", 4, null, null, 0, 1, 0, "time", false);
            ProfileReport r = ProfileRun.run(train, cpu, true, Map.of("command", "test"));
            int nodes = r.profile().rows().size();
            List<List<String>> slowest = nodeTableRows(r.markdown(3, false));
            assertEquals(4, slowest.size(), "3 nodes and a line for the rest");
            assertTrue(slowest.get(3).get(1).startsWith("(" + (nodes - 3) + " more nodes: "), slowest.get(3).toString());
            List<String> expected = r.profile().slowest(3).stream().map(row -> row.path()).toList();
            assertEquals(expected, slowest.subList(0, 3).stream().map(cells -> cells.get(1)).toList());
            List<List<String>> inOrder = nodeTableRows(r.markdown(3, true)).subList(0, 3);
            for (int i = 1; i < 3; i++) assertTrue(Integer.parseInt(inOrder.get(i - 1).get(0)) < Integer.parseInt(inOrder.get(i).get(0)), inOrder.toString());

            ProfileReport eval = ProfileRun.run(ProfileOptions.of("lenet5", 4, null, null, 0, 1, 0, "time", true), cpu, true, Map.of());
            assertTrue(eval.profile().rows().stream().allMatch(row -> row.graph().equals("evaluation") && row.backward() == null));
            assertTrue(eval.what().contains("the evaluation forward"), eval.what());
            assertTrue(nodeTableRows(eval.markdown(0, true)).stream().allMatch(cells -> cells.get(6).equals("–")), "no backward times");
        }
    }

    /** The cells of the node table's rows (after its header), the summary lines for the rest included. */
    static List<List<String>> nodeTableRows(String md) {
        String table = md.substring(md.indexOf("## Nodes"));
        List<List<String>> rows = new ArrayList<>();
        for (String line : table.split("\n")) {
            if (!line.startsWith("| ") || line.startsWith("| # ") || line.contains("(outside node calls")) continue;
            String[] cells = line.split("\\|", -1); // no cell holds a '|'; the first and last pieces are outside the table
            rows.add(List.of(cells).subList(1, cells.length - 1).stream().map(String::strip).toList());
        }
        return rows;
    }
}
