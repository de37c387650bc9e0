package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.ConvBiasActivationSpec;
import dev.jdnn.ops.cuda.FusedEngineStore.FusedKey;
import dev.jdnn.ops.cuda.graphapi.EngineChoice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The fused-engine cache's keys and lines (the file handling is {@link ChoiceStore}'s, tested with the convolution store). */
class FusedEngineStoreTest {
    private static final ChoiceStore.DeviceKey H200 = new ChoiceStore.DeviceKey("NVIDIA H200", 9, 0, 132, 91900);
    private static final ConvBiasActivationSpec SPEC = ConvBiasActivationSpec.of(new Conv2dSpec(8, 64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, true), Activation.RELU);
    private static final EngineChoice CHOICE = new EngineChoice(12, List.of(new EngineChoice.Knob(3, 1), new EngineChoice.Knob(17, 0)));

    private final List<String> warnings = new ArrayList<>();

    @Test
    void everyFieldOfTheKeyChangesItsTextAndTheTextParsesBack() {
        List<FusedKey> keys = List.of(FusedKey.of(SPEC, false, false, 1 << 28), FusedKey.of(SPEC, true, false, 1 << 28),
                FusedKey.of(SPEC, false, true, 1 << 28), FusedKey.of(SPEC, false, false, 1 << 29),
                FusedKey.of(SPEC.with(DType.BFLOAT16, MemoryFormat.NHWC), false, false, 1 << 28),
                FusedKey.of(ConvBiasActivationSpec.of(SPEC.conv(), Activation.IDENTITY), false, false, 1 << 28));
        Set<String> texts = new HashSet<>();
        for (FusedKey k : keys) {
            assertTrue(texts.add(k.format()), k.format());
            Map.Entry<FusedKey, EngineChoice> back = FusedEngineStore.parseEntry(FusedEngineStore.formatEntry(k, CHOICE));
            assertEquals(k, back.getKey());
            assertEquals(CHOICE, back.getValue());
        }
        assertThrows(IllegalArgumentException.class, () -> new FusedKey(false, false, 0, "two\nlines"));
        assertThrows(IllegalArgumentException.class, () -> FusedEngineStore.parseEntry("tf32 any limit=1 conv -> engine=x knobs=-"));
        assertThrows(IllegalArgumentException.class, () -> FusedEngineStore.parseEntry("bf16 any limit=1 conv -> engine=1 knobs=-"));
    }

    @Test
    void choicesLiveInTheirOwnFileNextToTheConvolutionAlgorithms(@TempDir Path dir) throws IOException {
        FusedEngineStore s = new FusedEngineStore(dir, H200, warnings::add);
        FusedKey key = FusedKey.of(SPEC, false, false, 1 << 28);
        s.record(key, CHOICE);
        s.save();
        Path file = dir.resolve("fused-engines-" + H200.fileName());
        assertEquals(file, s.file());
        List<String> lines = Files.readAllLines(file);
        assertEquals(List.of(FusedEngineStore.FORMAT_LINE, "# device: " + H200.describe(), FusedEngineStore.formatEntry(key, CHOICE)), lines);
        assertEquals(CHOICE, new FusedEngineStore(dir, H200, warnings::add).get(key));

        Files.writeString(file, FusedEngineStore.FORMAT_LINE + "\n# device: " + H200.describe() + "\nnot an entry\n");
        assertEquals(0, new FusedEngineStore(dir, H200, warnings::add).size());
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().startsWith("fused engine cache " + file + " ignored"), warnings.getFirst());
    }
}
