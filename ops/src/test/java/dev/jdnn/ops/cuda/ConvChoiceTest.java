package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cudnn.cudnn_h;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The algorithm choice with made-up cudnnFind* answers and a made-up device: which algorithm each workspace policy
 * admits, and how much workspace a search gets. Needs no GPU (the cuDNN constants come from the bindings' headers).
 */
class ConvChoiceTest {
    private static final long MIB = 1 << 20, GIB = 1L << 30;
    private static final int DET = cudnn_h.CUDNN_DETERMINISTIC();
    private static final int DEFAULT_MATH = cudnn_h.CUDNN_DEFAULT_MATH(), TENSOR_OP = cudnn_h.CUDNN_TENSOR_OP_MATH();

    /** A b256 forward as the ranking might come back: the fastest algorithms want the most workspace. */
    private static final List<ConvDirection.Result> RANKED = List.of(
            new ConvDirection.Result(7, 0, 3 * GIB, DET, TENSOR_OP),      // FFT-tiling: fastest, 3 GiB
            new ConvDirection.Result(1, 0, 900 * MIB, DET, TENSOR_OP),    // implicit precomputed GEMM
            new ConvDirection.Result(6, 0, 200 * MIB, DET, DEFAULT_MATH), // Winograd non-fused
            new ConvDirection.Result(0, 0, 0, DET, DEFAULT_MATH));        // implicit GEMM, no workspace
    private static final Map<Integer, Long> SIZES = Map.of(7, 3 * GIB, 1, 900 * MIB, 6, 200 * MIB, 0, 0L);

    private static ConvAlgorithm choose(long limit) {
        return ConvChoice.first(ConvChoice.admissible(RANKED, limit, m -> m, false), limit, (algo, math) -> SIZES.get(algo));
    }

    @Test
    void theLimitOfTheMomentDecidesWhichOfTheFastestIsTaken() {
        long total = 141 * GIB;
        // the old fixed 256 MiB admits only Winograd; what an H200 with 60 GiB free can spare admits the fastest
        assertEquals(6, choose(WorkspaceLimit.fixed(256 * MIB).limit(60 * GIB, total, 0)).algo());
        ConvAlgorithm spare = choose(WorkspaceLimit.defaults().limit(60 * GIB, total, 0));
        assertEquals(new ConvAlgorithm(7, TENSOR_OP, 3 * GIB), spare);
        // a nearly full device: 9 GiB free, 7.05 GiB (5 %) kept free -> 1.95 GiB: the precomputed GEMM
        assertEquals(1, choose(WorkspaceLimit.defaults().limit(9 * GIB, total, 0)).algo());
        // nothing spare: the algorithm that needs none
        assertEquals(new ConvAlgorithm(0, DEFAULT_MATH, 0), choose(WorkspaceLimit.defaults().limit(5 * GIB, total, 0)));
    }

    @Test
    void failedUnusableAndUnsupportedResultsAreSkipped() {
        List<ConvDirection.Result> ranked = List.of(
                new ConvDirection.Result(7, 3 /* ALLOC_FAILED in Find */, 0, DET, TENSOR_OP),
                new ConvDirection.Result(5, 0, MIB, DET, cudnn_h.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION()),
                new ConvDirection.Result(4, 0, MIB, DET, DEFAULT_MATH),
                new ConvDirection.Result(2, 0, 2 * MIB, DET, DEFAULT_MATH));
        // float32 data: TF32 allowed but not the FP16 down-conversion; algorithm 4 not supported at the run's math
        ConvAlgorithm a = ConvChoice.first(ConvChoice.admissible(ranked, GIB, m -> CudaConv2d.usableMath(m, false), false), GIB, (algo, math) -> algo == 4 ? -1 : 2 * MIB);
        assertEquals(new ConvAlgorithm(2, DEFAULT_MATH, 2 * MIB), a);
        // strict FP32 runs whatever it takes with FMA math
        ConvAlgorithm strict = ConvChoice.first(ConvChoice.admissible(ranked, GIB, m -> CudaConv2d.usableMath(m, true), false), GIB, (algo, math) -> MIB);
        assertEquals(new ConvAlgorithm(5, cudnn_h.CUDNN_FMA_MATH(), MIB), strict);
        // a workspace that grew when asked again at the run's math type no longer fits
        assertNull(ConvChoice.first(List.of(new ConvAlgorithm(1, DEFAULT_MATH, MIB)), MIB, (algo, math) -> MIB + 1));
    }

    @Test
    void aSearchGetsTheLargestWorkspaceThatAnAdmissibleAlgorithmNeeds() {
        long[] sizes = {0, 900 * MIB, -1, 40 * MIB, 64 * MIB, 12 * GIB, 3 * GIB, 200 * MIB};
        assertEquals(3 * GIB, ConvChoice.searchBytes(sizes.length, 8 * GIB, a -> sizes[a]), "12 GiB exceeds the limit, 3 GiB is the most below it");
        assertEquals(200 * MIB, ConvChoice.searchBytes(sizes.length, 256 * MIB, a -> sizes[a]));
        assertEquals(0, ConvChoice.searchBytes(sizes.length, 0, a -> sizes[a]), "no spare memory: search without workspace");
    }
}
