package dev.jdnn.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JMH result as the runner reports it.
 *
 * @param set        the set it ran in ("downcall", "gemm", "ops-cpu", ...)
 * @param benchmark  short name, e.g. "OpsBenchmark.forward"
 * @param params     the JMH parameters, e.g. "backend=cpu op=RN50_CONV1 batch=32"
 * @param seconds    mean time per call (NaN for throughput-only results)
 * @param error      JMH's 99.9% confidence half-width, in seconds (NaN when JMH gives none)
 * @param best       the fastest measured iteration's time per call, in seconds (on a shared machine the least
 *                   disturbed one)
 * @param rate       useful work per second (FLOP/s or B/s), NaN when the benchmark has none
 * @param rateUnit   "FLOP/s", "B/s" or ""
 * @param ceiling    the ceiling's name the rate is compared against, or null
 * @param ofCeiling  rate / ceiling rate, NaN when there is none
 */
public record Measurement(String set, String benchmark, String params, double seconds, double error, double best,
                          double rate, String rateUnit, String ceiling, double ofCeiling) {

    public Measurement withCeiling(String name, double ceilingRate) {
        return new Measurement(set, benchmark, params, seconds, error, best, rate, rateUnit, name, rate / ceilingRate);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("set", set);
        m.put("benchmark", benchmark);
        m.put("params", params);
        m.put("seconds", seconds);
        m.put("error_seconds", error);
        m.put("best_seconds", best);
        m.put("rate", rate);
        m.put("rate_unit", rateUnit);
        m.put("ceiling", ceiling);
        m.put("of_ceiling", ofCeiling);
        return m;
    }
}
