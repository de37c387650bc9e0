package dev.jdnn.benchmarks.ops;

import dev.jdnn.ops.Backend;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings every backend sweep of this package shares (JMH inherits class-level annotations): average time
 * in microseconds, 3 warm-up and 5 measured one-second iterations, one fork with the project's JVM flags. Each
 * subclass opens {@link #be} from its own {@code backend} parameter (the valid names differ per benchmark) with
 * {@link BenchBackends#open} and closes it last in its tear-down.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public abstract class BackendBenchmark {
    /** The backend of the current trial. */
    protected Backend be;
}
