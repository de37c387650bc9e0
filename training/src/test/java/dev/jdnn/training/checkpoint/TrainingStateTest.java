package dev.jdnn.training.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The training state in a checkpoint's metadata is read strictly and checked for values no run can reach. */
class TrainingStateTest {
    @TempDir
    Path dir;

    private static final String GOOD = "{\"epoch\":1,\"batchInEpoch\":0,\"globalStep\":7,\"optimizerSteps\":7,\"seed\":77,\"dropoutSeed\":77,"
            + "\"optimizer\":\"sgd\",\"bestTop1\":0.5,\"randomPositions\":[7,7]}";

    private Path checkpoint(String stateJson) {
        Path f = dir.resolve("c" + stateJson.hashCode() + ".ckpt");
        SafeTensorsFile.write(f, List.of(TensorData.f32("w", new long[]{1}, new float[]{1})),
                Map.of(TrainingCheckpoint.KIND_KEY, TrainingCheckpoint.KIND, TrainingCheckpoint.STATE_KEY, stateJson));
        return f;
    }

    private TrainingState read(String stateJson) {
        try (SafeTensorsFile f = SafeTensorsFile.open(checkpoint(stateJson))) {
            return TrainingCheckpoint.readState(f);
        }
    }

    private String refusal(String stateJson) {
        Path f = checkpoint(stateJson);
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            String m = assertThrows(CheckpointMismatchException.class, () -> TrainingCheckpoint.readState(st)).getMessage();
            assertTrue(m.startsWith(f.toString()), m);
            return m;
        }
    }

    @Test
    void aSoundStateIsRead() {
        TrainingState s = read(GOOD);
        assertEquals(1, s.epoch());
        assertEquals(7, s.globalStep());
        assertArrayEquals(new long[]{7, 7}, s.randomPositions());
        assertEquals(List.of(), s.problems());
        s.checkPosition(Path.of("x"), 7);
        assertNull(read(GOOD.replace(",\"randomPositions\":[7,7]", "")).randomPositions(), "older checkpoints lack the positions");
    }

    @Test
    void negativeCountersAreRefused() {
        String m = refusal(GOOD.replace("\"epoch\":1", "\"epoch\":-5").replace("\"globalStep\":7", "\"globalStep\":-1"));
        assertTrue(m.contains("impossible training state: epoch -5 is negative; globalStep -1 is negative"), m);
        assertTrue(refusal(GOOD.replace("[7,7]", "[7,-2]")).contains("negative position"));
        assertTrue(refusal(GOOD.replace("\"bestTop1\":0.5", "\"bestTop1\":7")).contains("bestTop1 7.0"));
        assertTrue(refusal(GOOD.replace("\"optimizer\":\"sgd\"", "\"optimizer\":\"\"")).contains("optimizer is not named"));
    }

    @Test
    void lenientJsonCoercionsAreRefused() {
        assertTrue(refusal(GOOD.replace("\"epoch\":1", "\"epoch\":\"1\"")).contains("unreadable training state metadata"));
        assertTrue(refusal(GOOD.replace("\"epoch\":1", "\"epoch\":1.5")).contains("unreadable training state metadata"));
        assertTrue(refusal(GOOD.replace("\"epoch\":1,", "")).contains("missing [epoch]"));
        assertTrue(refusal(GOOD.replace("\"epoch\":1", "\"epoch\":null")).contains("missing [epoch]"));
        assertTrue(refusal(GOOD.replace("\"epoch\":1", "\"epoch\":99999999999")).contains("unreadable training state metadata"));
        assertTrue(refusal("[1,2]").contains("not a JSON object"));
        assertTrue(refusal("{").contains("unreadable training state metadata"));
    }

    @Test
    void aPositionOtherDataCannotReachIsRefused() {
        TrainingState s = read(GOOD);
        var e = assertThrows(CheckpointMismatchException.class, () -> s.checkPosition(Path.of("last.ckpt"), 4));
        assertTrue(e.getMessage().contains("epoch 1, batch 0, step 7, which a run of 4 batches per epoch never reaches"), e.getMessage());
    }
}
