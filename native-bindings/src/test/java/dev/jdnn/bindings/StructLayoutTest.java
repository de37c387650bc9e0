package dev.jdnn.bindings;

import dev.jdnn.bindings.cudnn.cudnnConvolutionBwdDataAlgoPerf_t;
import dev.jdnn.bindings.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The perf-result struct layout against the C rules worked by hand: int algo, int status, float time, (4 bytes
 * padding so size_t is 8-aligned) size_t memory, int determinism, int mathType, int reserved[3], (4 bytes tail
 * padding to a multiple of 8) = 48 bytes.
 */
class StructLayoutTest {

    @Test
    void convolutionPerfStructMatchesTheCLayout() {
        assertEquals(48, cudnnConvolutionFwdAlgoPerf_t.sizeof());
        assertEquals(0, cudnnConvolutionFwdAlgoPerf_t.algo$offset());
        assertEquals(4, cudnnConvolutionFwdAlgoPerf_t.status$offset());
        assertEquals(8, cudnnConvolutionFwdAlgoPerf_t.time$offset());
        assertEquals(16, cudnnConvolutionFwdAlgoPerf_t.memory$offset());
        assertEquals(24, cudnnConvolutionFwdAlgoPerf_t.determinism$offset());
        assertEquals(28, cudnnConvolutionFwdAlgoPerf_t.mathType$offset());
        assertEquals(32, cudnnConvolutionFwdAlgoPerf_t.reserved$offset());
        assertEquals(48, cudnnConvolutionBwdDataAlgoPerf_t.sizeof());
    }

    @Test
    void accessorsReadAndWriteArrayElements() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment results = cudnnConvolutionFwdAlgoPerf_t.allocateArray(2, arena);
            MemorySegment second = cudnnConvolutionFwdAlgoPerf_t.asSlice(results, 1);
            cudnnConvolutionFwdAlgoPerf_t.algo(second, 6);
            cudnnConvolutionFwdAlgoPerf_t.memory(second, 1L << 33);
            cudnnConvolutionFwdAlgoPerf_t.reserved(second, 2, 7);
            assertEquals(6, results.get(java.lang.foreign.ValueLayout.JAVA_INT, 48));
            assertEquals(1L << 33, results.get(java.lang.foreign.ValueLayout.JAVA_LONG, 48 + 16));
            assertEquals(7, results.get(java.lang.foreign.ValueLayout.JAVA_INT, 48 + 32 + 8));
            assertEquals(6, cudnnConvolutionFwdAlgoPerf_t.algo(second));
        }
    }
}
