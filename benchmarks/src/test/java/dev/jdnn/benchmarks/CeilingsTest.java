package dev.jdnn.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CeilingsTest {
    private static Measurement m(String benchmark, String params, double rate, String unit) {
        return new Measurement("s", benchmark, params, 1e-3, Double.NaN, 1e-3, rate, unit, null, Double.NaN);
    }

    @Test
    void opsAreComparedWithTheirBackendsCeiling() {
        List<Measurement> ms = List.of(
                m("PeakFlopsBenchmark.fmaPeak", "", 200e9, "FLOP/s"),
                m("CopyBandwidthBenchmark.copy", "backend=cpu mib=64", 20e9, "B/s"),
                m("GemmCeilingBenchmark.sgemm", "backend=cuda n=8192", 400e12, "FLOP/s"),
                m("GemmCeilingBenchmark.sgemm", "backend=cuda-fp32 n=8192", 50e12, "FLOP/s"),
                m("OpsBenchmark.forward", "backend=cpu op=RN50_S1_3X3 batch=1", 50e9, "FLOP/s"),
                m("OpsBenchmark.forward", "backend=cpu op=RN50_BN1 batch=1", 5e9, "B/s"),
                m("OpsBenchmark.forward", "backend=cuda op=RN50_S1_3X3 batch=1", 100e12, "FLOP/s"),
                m("OpsBenchmark.forward", "backend=cuda op=RN50_BN1 batch=1", 1e12, "B/s"),
                m("DowncallBenchmark.plainHandle", "", Double.NaN, ""));
        List<Measurement> out = JmhSets.ceilings(ms).annotate(ms);
        assertEquals(0.25, out.get(4).ofCeiling(), 1e-12);
        assertEquals(Ceilings.CPU_FP32_PEAK, out.get(4).ceiling());
        assertEquals(0.25, out.get(5).ofCeiling(), 1e-12);
        assertEquals(0.25, out.get(6).ofCeiling(), 1e-12);
        assertEquals(Ceilings.CUDA_TF32_GEMM, out.get(6).ceiling());
        assertNull(out.get(7).ceiling(), "no CUDA copy ceiling was measured");
        assertTrue(Double.isNaN(out.get(7).ofCeiling()));
        assertTrue(Double.isNaN(out.get(8).ofCeiling()));
        assertEquals(8, JmhSets.ceilings(ms).rates().get(Ceilings.CUDA_TF32_GEMM) / JmhSets.ceilings(ms).rates().get(Ceilings.CUDA_FP32_GEMM), 1e-12);
    }
}
