package dev.jdnn.benchmarks.train;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class ThroughputRowTest {
    /** side_by_side.py joins on row names: jdnn's GPU rows must be exactly compare.py's, with the same settings. */
    @Test
    void gpuRowsMatchComparePy() throws Exception {
        Path compare = Path.of("pytorch/compare.py");
        if (!Files.exists(compare)) compare = Path.of("benchmarks/pytorch/compare.py");
        // the GPU bundle runs the tests outside the source tree
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(compare), "benchmarks/pytorch/compare.py is not reachable from " + Path.of("").toAbsolutePath());
        String text = Files.readString(compare);
        Pattern row = Pattern.compile("\"(\\w+)\": \\(\"(train|infer)\", \"(\\w+)\", (\\d+), \\((\\d+), (\\d+), (\\d+)\\), (\\d+)\\)");
        Map<String, String> py = new LinkedHashMap<>();
        Matcher m = row.matcher(text);
        while (m.find()) py.put(m.group(1), String.join(",", m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(8)));
        assertFalse(py.isEmpty(), "no rows parsed from " + compare);
        Map<String, String> java = new LinkedHashMap<>();
        for (String name : ThroughputRow.gpuDefaultRows()) {
            ThroughputRow r = ThroughputRow.of(name);
            java.put(name, String.join(",", r.kindName(), r.model(), "" + r.batch(), "" + r.channels(), "" + r.size(), "" + r.classes()));
        }
        assertEquals(py, java);
    }

    @Test
    void unknownRowListsTheValidOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> ThroughputRow.of("resnet9"));
        assertTrue(e.getMessage().contains("resnet50_infer_b1"), e.getMessage());
    }
}
