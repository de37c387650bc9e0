package dev.jdnn.training.fuzz;

import dev.jdnn.training.checkpoint.CheckpointMismatchException;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.TrainingCheckpoint;
import dev.jdnn.training.checkpoint.TrainingState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fuzzes the training state a checkpoint's metadata holds (what {@code --resume} reads): each field present or
 * not, of its type or another (strings, fractions, null, arrays, objects), with edge values (negative, 2^31,
 * 2^63-1, NaN as text), plus arbitrary strings and a missing or wrong kind. A state is either read and sound
 * ({@link TrainingState#problems()} empty) or refused with a {@link CheckpointMismatchException} naming the file.
 */
class CheckpointStateFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> GOOD = new LinkedHashMap<>();

    static {
        GOOD.put("epoch", "1");
        GOOD.put("batchInEpoch", "0");
        GOOD.put("globalStep", "7");
        GOOD.put("optimizerSteps", "7");
        GOOD.put("seed", "77");
        GOOD.put("dropoutSeed", "77");
        GOOD.put("optimizer", "\"sgd\"");
        GOOD.put("bestTop1", "0.5");
        GOOD.put("randomPositions", "[7,7]");
    }

    private static final Arbitrary<String> ODD_VALUE = Arbitraries.of("-1", "-5", "0", "2147483647", "2147483648", "9223372036854775807",
            "-9223372036854775808", "1e400", "1.5", "-0.0", "\"5\"", "\"NaN\"", "null", "true", "[]", "[1,-2]", "[null]", "{}", "\"\"", "\"adamw\"",
            "99999999999999999999999", "[1,2,3,4,5,6,7,8,9,10]");

    /** A state JSON with each field kept, dropped or replaced by an odd value. */
    @Provide
    Arbitrary<String> states() {
        Arbitrary<String> fieldChoice = Arbitraries.frequencyOf(Tuple.of(20, Arbitraries.just("keep")), Tuple.of(1, Arbitraries.just("drop")),
                Tuple.of(2, ODD_VALUE));
        Arbitrary<String> structured = fieldChoice.list().ofSize(GOOD.size()).map(choices -> {
            List<String> parts = new ArrayList<>();
            int i = 0;
            for (Map.Entry<String, String> e : GOOD.entrySet()) {
                String c = choices.get(i++);
                if (c.equals("drop")) continue;
                parts.add("\"" + e.getKey() + "\":" + (c.equals("keep") ? e.getValue() : c));
            }
            return "{" + String.join(",", parts) + "}";
        });
        return Arbitraries.frequencyOf(Tuple.of(8, structured), Tuple.of(1, Arbitraries.strings().ofMaxLength(40)),
                Tuple.of(1, structured.map(s -> s.substring(0, s.length() / 2))), Tuple.of(1, structured.map(s -> s.replace("}", ",\"extra\":1}"))));
    }

    @Property(seed = "170424")
    void trainingStatesAreReadSoundOrRefusedByName(@ForAll("states") String stateJson, @ForAll("kinds") String kind) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        if (kind != null) meta.put(TrainingCheckpoint.KIND_KEY, kind);
        meta.put(TrainingCheckpoint.STATE_KEY, stateJson);
        Path file = Fuzzing.write(".ckpt", checkpointBytes(meta));
        Fuzzing.readsOrRefuses(file, CheckpointMismatchException.class, () -> {
            try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
                return TrainingCheckpoint.readState(f);
            }
        }, s -> {
            assertEquals(List.of(), s.problems());
            assertTrue(s.epoch() >= 0 && s.batchInEpoch() >= 0 && s.globalStep() >= 0 && s.optimizerSteps() >= 0);
            assertNotNull(s.optimizer());
        });
        Fuzzing.requireBothOutcomes(5);
    }

    /** A one-tensor safetensors file with this metadata, laid out by hand (a plain write: no fsync per try). */
    private static byte[] checkpointBytes(Map<String, String> meta) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        meta.forEach(header.putObject(SafeTensorsFile.METADATA_KEY)::put);
        ObjectNode w = header.putObject("w");
        w.put("dtype", "F32");
        w.putArray("shape").add(1);
        w.putArray("data_offsets").add(0).add(4);
        byte[] json = JSON.writeValueAsBytes(header);
        return ByteBuffer.allocate(8 + json.length + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json).putFloat(1f).array();
    }

    @Provide
    Arbitrary<String> kinds() {
        return Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(TrainingCheckpoint.KIND)), Tuple.of(1, Arbitraries.of("weights", "")),
                Tuple.of(1, Arbitraries.just((String) null)));
    }
}
