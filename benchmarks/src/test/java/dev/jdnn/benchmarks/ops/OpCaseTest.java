package dev.jdnn.benchmarks.ops;

import dev.jdnn.memory.Shape;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class OpCaseTest {
    @Test
    void workIsCountedByHand() {
        // conv1: 64 x 112 x 112 outputs, each 3 x 7 x 7 multiply-adds
        assertEquals(2.0 * 64 * 112 * 112 * 3 * 49, OpCase.RN50_CONV1.work(1, false));
        assertEquals(4.0 * 64 * 112 * 112 * 3 * 49 * 32, OpCase.RN50_CONV1.work(32, true));
        // depthwise: one input channel per output channel
        assertEquals(2.0 * 144 * 56 * 56 * 9, OpCase.MBV2_DW3X3.work(1, false));
        assertEquals(2.0 * 8 * 2048 * 1000, OpCase.RN50_FC.work(8, false));
        // max-pool 112 -> 56: read x, write y
        assertEquals(4.0 * (64 * 112 * 112 + 64 * 56 * 56), OpCase.RN50_MAXPOOL.work(1, false));
        assertEquals(4.0 * 3 * 2 * 64 * 112 * 112, OpCase.RN50_BN1.work(2, true));
        assertEquals(4.0 * 1000 * 4, OpCase.SOFTMAX_CE_1000.work(4, false));
        assertEquals("FLOP", OpCase.RN50_S4_1X1.workUnit());
        assertEquals("B", OpCase.RN50_BN1.workUnit());
    }

    @Test
    void shapesAreThoseOfTheNetworks() {
        assertEquals(Shape.of(1, 64, 112, 112), OpCase.RN50_CONV1.convSpec(1).outputShape());
        assertEquals(Shape.of(2, 64, 56, 56), OpCase.RN50_MAXPOOL.poolSpec(2).outputShape());
        assertEquals(Shape.of(1, 512, 7, 7), OpCase.RN50_S4_1X1.convSpec(1).outputShape());
        assertEquals(Shape.of(1, 144, 56, 56), OpCase.MBV2_DW3X3.convSpec(1).outputShape());
    }

    @Test
    void parseNamesTheValidCases() {
        assertEquals(OpCase.RN50_FC, OpCase.parse("rn50_fc"));
        var e = assertThrows(IllegalArgumentException.class, () -> OpCase.parse("conv9"));
        assertTrue(e.getMessage().contains("RN50_CONV1"), e.getMessage());
    }

    @Test
    void benchmarkParamListsEveryCase() throws Exception {
        String[] declared = OpsBenchmark.class.getField("op").getAnnotation(org.openjdk.jmh.annotations.Param.class).value();
        assertEquals(OpCase.names(), java.util.List.of(declared));
    }

    /** Every case wires its plan and operands correctly (a wrong spec would throw with both shapes named). */
    @Test
    void everyCaseRunsOnTheCpuAtBatchOne() {
        CpuBackend backend = new CpuBackend();
        for (OpCase c : OpCase.values()) {
            try (OpInstance op = OpInstance.create(c, 1, backend)) {
                assertDoesNotThrow(op::forward, c.name());
                assertDoesNotThrow(op::backward, c.name());
            }
        }
    }

    @Test
    void cudaBackendWithoutAGpuFailsWithTheReason() {
        org.junit.jupiter.api.Assumptions.assumeFalse(BenchBackends.cudaAvailable(), "a GPU is present: nothing to check");
        var e = assertThrows(IllegalStateException.class, () -> BenchBackends.open("cuda"));
        assertTrue(e.getMessage().contains("backend=cuda") && e.getMessage().contains("-p backend=cpu"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchBackends.open("tpu"));
    }
}
