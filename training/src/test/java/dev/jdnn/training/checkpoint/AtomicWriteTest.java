package dev.jdnn.training.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class AtomicWriteTest {
    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A tensor that writes half of its bytes and then fails, as a crash or full disk would mid-save. */
    private static TensorData failingHalfway(boolean ioError) {
        return new TensorData("w", SafeTensorsDType.F32, new long[]{1000}, out -> {
            out.write(ByteBuffer.allocate(2000));
            if (ioError) throw new IOException("No space left on device (simulated)");
            throw new IllegalStateException("tensor download failed (simulated)");
        });
    }

    @Test
    void aFailedSaveKeepsTheLastGoodCheckpointAndLeavesNoTempFile() throws Exception {
        Path ckpt = dir.resolve("last.ckpt");
        SafeTensorsFile.write(ckpt, List.of(TensorData.f32("w", new long[]{2}, new float[]{1, 2})), Map.of("epoch", "1"));
        byte[] good = Files.readAllBytes(ckpt);

        var io = assertThrows(UncheckedIOException.class, () -> SafeTensorsFile.write(ckpt, List.of(failingHalfway(true)), Map.of("epoch", "2")));
        assertTrue(io.getMessage().contains("last.ckpt") && io.getMessage().contains("No space left"), io.getMessage());
        assertArrayEquals(good, Files.readAllBytes(ckpt));
        assertEquals(List.of("last.ckpt"), listing());

        assertThrows(IllegalStateException.class, () -> SafeTensorsFile.write(ckpt, List.of(failingHalfway(false)), Map.of()));
        assertArrayEquals(good, Files.readAllBytes(ckpt));
        assertEquals(List.of("last.ckpt"), listing());
        try (SafeTensorsFile f = SafeTensorsFile.open(ckpt)) {
            assertEquals("1", f.metadata().get("epoch"));
        }
    }

    @Test
    void aPayloadOfTheWrongLengthIsRefused() throws Exception {
        Path f = dir.resolve("w.safetensors");
        TensorData lying = new TensorData("w", SafeTensorsDType.F32, new long[]{4}, out -> out.write(ByteBuffer.allocate(12)));
        var e = assertThrows(UncheckedIOException.class, () -> SafeTensorsFile.write(f, List.of(lying), Map.of()));
        assertTrue(e.getMessage().contains("wrote 12 bytes") && e.getMessage().contains("need 16"), e.getMessage());
        assertEquals(List.of(), listing());
    }

    @Test
    void successfulWriteReplacesTheFile() throws Exception {
        Path f = dir.resolve("config.json");
        AtomicFiles.writeString(f, "old");
        AtomicFiles.writeString(f, "new");
        assertEquals("new", Files.readString(f));
        assertEquals(List.of("config.json"), listing());
    }
}
