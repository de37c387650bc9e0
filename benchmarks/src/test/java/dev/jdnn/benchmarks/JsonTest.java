package dev.jdnn.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class JsonTest {
    private static JsonNode parse(String json) throws Exception {
        return new ObjectMapper().readTree(json);
    }

    @Test
    void writesNestedValuesInOrder() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", List.of(1.5, "x"));
        m.put("c", Arrays.asList(true, null));
        m.put("d", Map.of());
        String json = Json.write(m);
        assertTrue(json.endsWith("}\n") && json.contains("\n  \"a\""), "indented, one trailing newline: " + json);
        assertEquals(parse("{\"a\": 1, \"b\": [1.5, \"x\"], \"c\": [true, null], \"d\": {}}"), parse(json));
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(parse(json).properties().stream().map(Map.Entry::getKey).toList()));
    }

    @Test
    void escapesStringsAndNullsNonFiniteNumbers() throws Exception {
        assertEquals("q\"b\\n\nt\tc\u0001", parse(Json.write("q\"b\\n\nt\tc\u0001")).asText());
        assertEquals(parse("[null, null, 2.5]"), parse(Json.write(List.of(Double.NaN, Float.POSITIVE_INFINITY, 2.5f))));
    }

    @Test
    void rejectsUnserialisableTypesByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
    }
}
