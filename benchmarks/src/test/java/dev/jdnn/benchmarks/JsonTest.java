package dev.jdnn.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class JsonTest {
    @Test
    void writesNestedValuesInOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", List.of(1.5, "x"));
        m.put("c", Arrays.asList(true, null));
        m.put("d", Map.of());
        assertEquals("{\n  \"a\": 1,\n  \"b\": [\n    1.5,\n    \"x\"\n  ],\n  \"c\": [\n    true,\n    null\n  ],\n  \"d\": {}\n}\n", Json.write(m));
    }

    @Test
    void escapesStringsAndNullsNonFiniteNumbers() {
        assertEquals("\"q\\\"b\\\\n\\nt\\tc\\u0001\"\n", Json.write("q\"b\\n\nt\tc\u0001"));
        assertEquals("[\n  null,\n  null\n]\n", Json.write(List.of(Double.NaN, Float.POSITIVE_INFINITY)));
    }

    @Test
    void rejectsUnknownTypesByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
    }
}
