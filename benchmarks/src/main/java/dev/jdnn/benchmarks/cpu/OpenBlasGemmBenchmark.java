package dev.jdnn.benchmarks.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reference point: OpenBLAS's cblas_sgemm (Debian's libopenblas0) through an FFM downcall, same operands and
 * threads as {@link GemmBenchmark}. When the library is absent the trial fails at setup with a message saying so
 * (JMH then goes on with the other benchmarks).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmArgs.ADD_VECTOR, JvmArgs.NATIVE})
public class OpenBlasGemmBenchmark {
    private static final int ROW_MAJOR = 101, NO_TRANS = 111;
    private static final String[] LIBRARIES = {"libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"};

    @Param({"256", "512", "1024", "2048"})
    public int n;

    private Matrices m;
    private MethodHandle sgemm;

    @Setup(Level.Trial)
    public void setup() throws Throwable {
        SymbolLookup lib = load();
        Linker linker = Linker.nativeLinker();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfFloat f = ValueLayout.JAVA_FLOAT;
        sgemm = linker.downcallHandle(lib.find("cblas_sgemm").orElseThrow(() -> new IllegalStateException("OpenBLAS has no cblas_sgemm")),
                FunctionDescriptor.ofVoid(i, i, i, i, i, i, f, ValueLayout.ADDRESS, i, ValueLayout.ADDRESS, i, f, ValueLayout.ADDRESS, i));
        // Same thread count as jdnn's pool (OPENBLAS_NUM_THREADS would have to be set before the process starts).
        var setThreads = lib.find("openblas_set_num_threads");
        if (setThreads.isPresent()) {
            linker.downcallHandle(setThreads.get(), FunctionDescriptor.ofVoid(i)).invokeExact(Runtime.getRuntime().availableProcessors());
        }
        m = new Matrices(n);
    }

    private static SymbolLookup load() {
        for (String name : LIBRARIES) {
            try {
                return SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException notFound) {
                // try the next name
            }
        }
        throw new IllegalStateException("OpenBLAS not found (tried " + String.join(", ", LIBRARIES)
                + "; on Debian/Ubuntu: apt-get install libopenblas0): skipping the OpenBLAS comparison");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (m != null) m.close();
    }

    @Benchmark
    public void cblasSgemm(FlopCounter counter) throws Throwable {
        sgemm.invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, n, n, n, 1f, m.a, n, m.b, n, 0f, m.c, n);
        counter.flops += m.flops();
    }
}
