package dev.jdnn.benchmarks.ffm;

import dev.jdnn.bindings.cudnn.cudnn_h;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the Java layer's smallest unit, one FFM downcall, on {@code size_t cudnnGetVersion(void)} (a C function
 * that only returns a constant, and needs no GPU):
 * <ul>
 *   <li>{@code generatedBinding}: through jdnn's generated {@code cudnn_h.cudnnGetVersion()} as every op calls cuDNN
 *       (library check, trace flag, invokeExact);</li>
 *   <li>{@code plainHandle}: a static-final downcall handle, no wrapper;</li>
 *   <li>{@code criticalHandle}: the same with {@code Linker.Option.critical(false)} (no thread-state transition:
 *       the cheapest downcall FFM offers, legal only for short calls that never block or call back);</li>
 *   <li>{@code javaStaticCall}: a non-inlined plain Java static method returning a constant, the floor;</li>
 *   <li>{@code libcAbsPlain} / {@code libcAbsCritical}: the same two handle kinds on libc's {@code int abs(int)}, a
 *       C function that certainly does nothing else, to separate FFM's own cost from what cudnnGetVersion does
 *       inside cuDNN (cuDNN 9's front library may dispatch to a sub-library).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class DowncallBenchmark {
    private static final FunctionDescriptor SIZE_T_VOID = FunctionDescriptor.of(ValueLayout.JAVA_LONG);
    private static final MethodHandle PLAIN =
            Linker.nativeLinker().downcallHandle(cudnn_h.cudnnGetVersion$address(), SIZE_T_VOID);
    private static final MethodHandle CRITICAL =
            Linker.nativeLinker().downcallHandle(cudnn_h.cudnnGetVersion$address(), SIZE_T_VOID, Linker.Option.critical(false));

    private static final FunctionDescriptor INT_INT = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle ABS = libcAbs();
    private static final MethodHandle ABS_CRITICAL = libcAbs(Linker.Option.critical(false));

    /** An argument the JIT cannot constant-fold. */
    private int argument = -42;

    private static MethodHandle libcAbs(Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().findOrThrow("abs"), INT_INT, options);
    }

    @Benchmark
    public long generatedBinding() {
        return cudnn_h.cudnnGetVersion();
    }

    @Benchmark
    public long plainHandle() throws Throwable {
        return (long) PLAIN.invokeExact();
    }

    @Benchmark
    public long criticalHandle() throws Throwable {
        return (long) CRITICAL.invokeExact();
    }

    @Benchmark
    public long javaStaticCall() {
        return version();
    }

    @Benchmark
    public int libcAbsPlain() throws Throwable {
        return (int) ABS.invokeExact(argument);
    }

    @Benchmark
    public int libcAbsCritical() throws Throwable {
        return (int) ABS_CRITICAL.invokeExact(argument);
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static long version() {
        return 91_000L;
    }
}
