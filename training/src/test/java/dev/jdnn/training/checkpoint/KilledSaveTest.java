package dev.jdnn.training.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Process-level: a child JVM saves a 32 MiB checkpoint in a loop and is killed with SIGKILL in the middle of a
 * save. The directory must then hold the last complete checkpoint (never a partial one) plus the dead save's
 * temporary file, and the next save there must remove that leftover. A temporary file a live process is writing
 * must survive the clean-up.
 */
@Timeout(120)
class KilledSaveTest {
    private static final int FLOATS = 8 << 20; // 32 MiB per save
    private static final int CHUNKS = 64;

    @TempDir
    Path dir;

    /** The child: "save DIR" saves checkpoint i (every value i) for i = 0, 1, ...; "hold FILE" locks FILE and waits. */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("hold")) {
            try (FileChannel ch = FileChannel.open(Path.of(args[1]), StandardOpenOption.CREATE, StandardOpenOption.WRITE); var lock = ch.lock()) {
                System.out.println("LOCKED");
                System.out.flush();
                Thread.sleep(60_000);
            }
            return;
        }
        Path target = Path.of(args[1]).resolve("last.ckpt");
        for (int i = 0; ; i++) {
            float value = i;
            TensorData t = new TensorData("w", SafeTensorsDType.F32, new long[]{FLOATS}, out -> {
                ByteBuffer chunk = ByteBuffer.allocate(FLOATS / CHUNKS * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int c = 0; c < CHUNKS; c++) {
                    chunk.clear();
                    while (chunk.hasRemaining()) chunk.putFloat(value);
                    TensorData.writeFully(out, chunk.flip());
                    try {
                        Thread.sleep(2); // a slower disk: leaves the parent a wide window mid-write
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
            });
            SafeTensorsFile.write(target, List.of(t), Map.of("iteration", Integer.toString(i)));
            System.out.println("SAVED " + i);
            System.out.flush();
        }
    }

    private static Process child(String... args) throws IOException {
        List<String> command = Stream.concat(Stream.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), KilledSaveTest.class.getName()), Stream.of(args)).toList();
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private List<Path> temporaries() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void aSaveKilledMidWriteLeavesTheLastCompleteCheckpointAndTheNextSaveCleansUp() throws Exception {
        Process p = child("save", dir.toString());
        int lastSaved = -1;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            while (lastSaved < 1) { // two complete saves first, so an old checkpoint exists
                String line = out.readLine();
                assertNotNull(line, "the child died before saving twice");
                if (line.startsWith("SAVED ")) lastSaved = Integer.parseInt(line.substring(6));
            }
            // Now wait until the next save's temporary file is partly written, and kill -9 the child.
            long partial = 0;
            while (partial < (long) FLOATS) {
                for (Path t : temporaries()) partial = Math.max(partial, Files.size(t));
                Thread.onSpinWait();
            }
            p.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs in the child
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }

        List<Path> leftovers = temporaries();
        assertEquals(1, leftovers.size(), "the killed save's temporary file: " + leftovers);
        assertTrue(Files.size(leftovers.get(0)) < 8 + 128 + 4L * FLOATS, "it is partial");
        try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve("last.ckpt"))) {
            int iteration = Integer.parseInt(f.metadata().get("iteration"));
            // The save in flight when killed is lost; the one before it (printed, or completed just before the kill) is whole.
            assertTrue(iteration >= lastSaved, "the checkpoint is the last complete one (" + iteration + "), not older than " + lastSaved);
            float[] w = f.readFloats("w");
            for (int i = 0; i < w.length; i += 4099) assertEquals(iteration, w[i], "value " + i + " of checkpoint " + iteration);
            assertEquals(iteration, w[w.length - 1]);
        }

        SafeTensorsFile.write(dir.resolve("best.safetensors"), List.of(TensorData.f32("w", new long[]{1}, new float[]{1})), Map.of());
        assertEquals(List.of(), temporaries(), "the next save in the directory removed the leftover");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("best.safetensors", "last.ckpt"), s.map(x -> x.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aTemporaryFileThatALiveProcessHoldsIsLeftAlone() throws Exception {
        Path held = dir.resolve(".last.ckpt.123456789.tmp");
        Process p = child("hold", held.toString());
        try {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertEquals("LOCKED", line);
            assertEquals(0, AtomicFiles.removeLeftovers(dir));
            assertTrue(Files.exists(held), "a live writer's file survives");
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
        assertEquals(1, AtomicFiles.removeLeftovers(dir), "once its writer is dead it is a leftover");
        assertFalse(Files.exists(held));
        Path foreign = Files.writeString(dir.resolve("notes.tmp"), "not ours");
        assertEquals(0, AtomicFiles.removeLeftovers(dir), "only our naming pattern is cleaned");
        assertTrue(Files.exists(foreign));
    }
}
