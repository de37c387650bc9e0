package dev.jdnn.benchmarks.cpu;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Floating-point operations done by a benchmark thread; JMH reports the field as a rate ("flops", ops/s), so the
 * result table reads GFLOP/s directly (divide by 1e9). One multiply-add counts as two operations.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FlopCounter {
    public long flops;

    @Setup(Level.Iteration)
    public void reset() {
        flops = 0;
    }
}
