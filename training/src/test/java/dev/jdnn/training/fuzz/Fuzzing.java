package dev.jdnn.training.fuzz;

import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The property every reader must have, checked on one input: it returns a result that passes {@code validate},
 * or throws its own refusal type with a one-line message naming the file. Anything else fails the property: another
 * exception type (an ArithmeticException, a NullPointerException...), an Error (OutOfMemoryError), more than
 * {@link #MAX_ALLOCATED_BYTES} allocated for an input of a few kilobytes (a header that makes the reader allocate
 * what the file does not hold), or no answer within {@link #HANG_SECONDS} (a hang).
 *
 * <p>The fuzz properties run with a fixed seed and {@code jqwik.tries.default} tries each (junit-platform.properties:
 * a few seconds in all in CI). For a longer run: {@code ./mvnw -pl training -am test -Pfuzz} (20,000 tries per
 * property) or {@code -Djqwik.tries.default=N}.
 */
final class Fuzzing {
    /** Generous for parsing a few kilobytes (JSON trees, stream buffers); far below what a corrupt size would ask. */
    static final long MAX_ALLOCATED_BYTES = 64L << 20;
    /** A hang detector, not a speed target: a healthy read of these inputs takes milliseconds. */
    static final long HANG_SECONDS = 20;

    private static final ExecutorService READER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzzed-reader");
        t.setDaemon(true);
        return t;
    });
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static final String READ = "read", REFUSED = "refused";

    private Fuzzing() {}

    /** Where the fuzzed files go: one directory per JVM, empty again after each check (see {@link #readsOrRefuses}). */
    private static final Path DIR = createDirectory();
    private static final AtomicInteger FILE_NUMBER = new AtomicInteger();

    private static Path createDirectory() {
        try {
            Path dir = Files.createTempDirectory("jdnn-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new file holding {@code bytes}, named "&lt;number&gt;&lt;suffix&gt;" (the suffix matters to the readers: ".gz"). */
    static Path write(String suffix, byte[] bytes) {
        try {
            return Files.write(DIR.resolve(FILE_NUMBER.getAndIncrement() + suffix), bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs {@code read} on its own thread and checks the outcome: a result passing {@code validate}, or a
     * {@code refusal} whose message is one line and names {@code file}. Returns and collects (jqwik statistics,
     * label "outcome") which it was: {@link #READ} or {@link #REFUSED}. Deletes {@code files} afterwards.
     */
    static <T> String readsOrRefuses(Path file, Class<? extends RuntimeException> refusal, Supplier<T> read, Consumer<T> validate) {
        return readsOrRefuses(List.of(file), refusal, read, validate);
    }

    /** As above for a reader of several files: the refusal names one of them. */
    static <T> String readsOrRefuses(List<Path> files, Class<? extends RuntimeException> refusal, Supplier<T> read, Consumer<T> validate) {
        Path file = files.get(0);
        record Outcome<T>(T value, Throwable thrown, long allocated) {}
        Future<Outcome<T>> f = READER.submit(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            T value = null;
            Throwable thrown = null;
            try {
                value = read.get();
            } catch (Throwable t) {
                thrown = t;
            }
            return new Outcome<>(value, thrown, THREADS.getCurrentThreadAllocatedBytes() - before);
        });
        Outcome<T> o;
        try {
            o = f.get(HANG_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("no answer within " + HANG_SECONDS + " s for " + file + " (a hang?)");
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        } finally {
            if (f.isDone()) for (Path p : files) deleteQuietly(p); // a hung reader may still hold its file: keep it to look at
        }
        assertTrue(o.allocated() <= MAX_ALLOCATED_BYTES, () -> "reading " + file + " allocated " + o.allocated() + " bytes"
                + (o.thrown() == null ? "" : " before " + o.thrown()));
        if (o.thrown() == null) {
            validate.accept(o.value());
            Statistics.label("outcome").collect(READ);
            return READ;
        }
        Throwable t = o.thrown();
        if (!refusal.isInstance(t)) {
            throw new AssertionError("reading " + file + " threw " + t + " instead of a " + refusal.getSimpleName() + " or a result", t);
        }
        String m = t.getMessage();
        assertNotNull(m, "a refusal without a message");
        assertTrue(files.stream().anyMatch(x -> m.contains(x.toString())), () -> "the message does not name the file: " + m);
        assertFalse(m.contains("\n") || m.contains("\r"), () -> "not one line: " + m);
        Statistics.label("outcome").collect(REFUSED);
        return REFUSED;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary file: the OS cleans /tmp
        }
    }

    /**
     * Requires that at least {@code percent} % of the tries were read successfully and as many refused: a generator
     * that only ever makes garbage (or only valid files) would test little.
     */
    static void requireBothOutcomes(double percent) {
        Statistics.label("outcome").coverage(c -> {
            c.check(READ).percentage(p -> p >= percent);
            c.check(REFUSED).percentage(p -> p >= percent);
        });
    }
}
