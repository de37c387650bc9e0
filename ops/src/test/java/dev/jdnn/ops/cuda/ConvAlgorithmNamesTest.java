package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cudnn.cudnn_h;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The names profiles print for cuDNN's convolution algorithms and math types (pure logic: the values come from the header). */
class ConvAlgorithmNamesTest {
    @Test
    void everyAlgorithmOfEveryDirectionHasItsOwnName() {
        int[] counts = {cudnn_h.CUDNN_CONVOLUTION_FWD_ALGO_COUNT(), cudnn_h.CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT(),
                cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT()};
        for (ConvDirection d : ConvDirection.values()) {
            Set<String> names = new HashSet<>();
            for (int algo = 0; algo < counts[d.ordinal()]; algo++) {
                String name = d.algorithmName(algo);
                assertFalse(name.startsWith("algorithm "), d + " algorithm " + algo + " has no name");
                assertTrue(names.add(name), d + ": " + name + " twice");
            }
            assertEquals("algorithm 99", d.algorithmName(99), "an unknown number is printed as such");
        }
        assertEquals("IMPLICIT_PRECOMP_GEMM", ConvDirection.FORWARD.algorithmName(cudnn_h.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM()));
        assertEquals("ALGO_3", ConvDirection.BACKWARD_FILTER.algorithmName(cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3()));
    }

    @Test
    void aChoiceIsDescribedWithItsMathTypeAndWorkspace() {
        ConvAlgorithm a = new ConvAlgorithm(cudnn_h.CUDNN_CONVOLUTION_BWD_DATA_ALGO_1(), cudnn_h.CUDNN_TENSOR_OP_MATH(), 3L << 20);
        assertEquals("ALGO_1 (TENSOR_OP_MATH, 3.0 MiB)", a.describe(ConvDirection.BACKWARD_DATA));
        assertEquals("FMA_MATH", ConvAlgorithm.mathName(cudnn_h.CUDNN_FMA_MATH()));
        assertEquals("DEFAULT_MATH", ConvAlgorithm.mathName(cudnn_h.CUDNN_DEFAULT_MATH()));
        assertEquals("math type 42", ConvAlgorithm.mathName(42));
    }
}
