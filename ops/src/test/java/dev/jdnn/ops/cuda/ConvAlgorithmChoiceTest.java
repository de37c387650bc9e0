package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cudnn.cudnnConvolutionBwdFilterAlgoPerfStruct;
import dev.jdnn.bindings.cudnn.cudnn_h;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which cuDNN search results a plan may use, from fake find results (no GPU): the fastest mode takes cuDNN's order,
 * deterministic mode drops what cuDNN reports as non-deterministic, both drop failed, oversized and FP16-conversion
 * results; and the determinism field is read from the perf struct as cuDNN lays it out.
 */
class ConvAlgorithmChoiceTest {
    private static final int DET = cudnn_h.CUDNN_DETERMINISTIC(), NON_DET = cudnn_h.CUDNN_NON_DETERMINISTIC();
    private static final int DEFAULT = cudnn_h.CUDNN_DEFAULT_MATH(), TENSOR = cudnn_h.CUDNN_TENSOR_OP_MATH();
    private static final long LIMIT = 1 << 20;

    /** A backward-filter search as cuDNN might return it on an H100: fastest first. */
    private static final List<ConvDirection.Result> FILTER_SEARCH = List.of(
            new ConvDirection.Result(cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3(), 0, 4096, NON_DET, TENSOR),
            new ConvDirection.Result(cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1(), 0, 2 * LIMIT, DET, TENSOR),   // over the limit
            new ConvDirection.Result(cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0(), 0, 0, NON_DET, DEFAULT),
            new ConvDirection.Result(6, 0, 0, DET, cudnn_h.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION()),              // FP16 conversion
            new ConvDirection.Result(5, cudnn_h.CUDNN_STATUS_NOT_SUPPORTED(), 0, DET, DEFAULT),                    // failed
            new ConvDirection.Result(cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1(), 0, 512, DET, DEFAULT));

    /** The admissible results for float32 data, with or without strict FP32 and deterministic mode. */
    private static List<ConvAlgorithm> admissible(List<ConvDirection.Result> results, boolean strictFp32, boolean deterministic) {
        return ConvChoice.admissible(results, LIMIT, m -> CudaConv2d.usableMath(m, strictFp32), deterministic);
    }

    private static List<Integer> algos(List<ConvAlgorithm> a) {
        return a.stream().map(ConvAlgorithm::algo).toList();
    }

    @Test
    void theFastestModeKeepsCudnnsOrder() {
        List<ConvAlgorithm> ok = admissible(FILTER_SEARCH, false, false);
        assertEquals(List.of(3, 0, 1), algos(ok));
        assertEquals(new ConvAlgorithm(3, TENSOR, 4096), ok.getFirst(), "math type and workspace as reported");
    }

    @Test
    void deterministicModeTakesOnlyWhatCudnnReportsDeterministic() {
        List<ConvAlgorithm> ok = admissible(FILTER_SEARCH, false, true);
        assertEquals(List.of(1), algos(ok));
        assertEquals(new ConvAlgorithm(1, DEFAULT, 512), ok.getFirst());
        assertEquals(List.of(), admissible(FILTER_SEARCH.subList(0, 3), false, true), "nothing deterministic fits: the plan fails, naming the mode");
    }

    @Test
    void strictFp32RunsEveryAdmissibleResultWithFmaMath() {
        for (ConvAlgorithm a : admissible(FILTER_SEARCH, true, true)) assertEquals(cudnn_h.CUDNN_FMA_MATH(), a.mathType());
        assertEquals(List.of(6, 1), algos(admissible(FILTER_SEARCH, true, true)), "strict FP32 runs even a conversion result with FMA math");
    }

    @Test
    void theDeterminismFieldIsReadFromThePerfStruct() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment perf = arena.allocate(cudnnConvolutionBwdFilterAlgoPerfStruct.layout());
            cudnnConvolutionBwdFilterAlgoPerfStruct.algo(perf, 3);
            cudnnConvolutionBwdFilterAlgoPerfStruct.status(perf, 0);
            cudnnConvolutionBwdFilterAlgoPerfStruct.memory(perf, 777L);
            cudnnConvolutionBwdFilterAlgoPerfStruct.determinism(perf, NON_DET);
            cudnnConvolutionBwdFilterAlgoPerfStruct.mathType(perf, TENSOR);
            assertEquals(new ConvDirection.Result(3, 0, 777L, NON_DET, TENSOR), ConvDirection.Result.read(perf));
            assertFalse(ConvDirection.Result.read(perf).deterministic());
            cudnnConvolutionBwdFilterAlgoPerfStruct.determinism(perf, DET);
            assertTrue(ConvDirection.Result.read(perf).deterministic());
        }
    }

    @Test
    void storedChoicesAreCheckedAgainstTheDocumentedNonDeterministicAlgorithms() {
        assertTrue(ConvDirection.BACKWARD_FILTER.knownNondeterministic(cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0()));
        assertTrue(ConvDirection.BACKWARD_FILTER.knownNondeterministic(cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3()));
        assertFalse(ConvDirection.BACKWARD_FILTER.knownNondeterministic(cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1()));
        assertTrue(ConvDirection.BACKWARD_DATA.knownNondeterministic(cudnn_h.CUDNN_CONVOLUTION_BWD_DATA_ALGO_0()));
        assertFalse(ConvDirection.BACKWARD_DATA.knownNondeterministic(cudnn_h.CUDNN_CONVOLUTION_BWD_DATA_ALGO_1()));
        for (int algo = 0; algo < 8; algo++) assertFalse(ConvDirection.FORWARD.knownNondeterministic(algo));
    }

    @Test
    void optionsDefaultToTheFastestModeAndKeepTheModeThroughWithers() {
        CudaBackend.Options d = CudaBackend.Options.defaults();
        assertFalse(d.deterministic());
        CudaBackend.Options det = d.withDeterministic(true);
        assertTrue(det.deterministic());
        assertTrue(det.withStrictFp32(true).deterministic());
        assertTrue(det.withConvAlgorithmCacheDir(null).deterministic());
        assertTrue(det.withBenchmarkConvolutions(false).deterministic());
        assertFalse(new CudaBackend.Options(true, false, WorkspaceLimit.fixed(1), null, null).deterministic());
        assertTrue(d.timesConvolutions());
        assertFalse(det.timesConvolutions(), "deterministic mode ranks by cuDNN's heuristics: timings vary between runs");
        assertFalse(d.withBenchmarkConvolutions(false).timesConvolutions());
        // fused graphs' engines follow the same mode
        assertTrue(CudaFusedGraph.policy(det, LIMIT).deterministic());
        assertFalse(CudaFusedGraph.policy(det, LIMIT).autotune());
        assertFalse(CudaFusedGraph.policy(d, LIMIT).deterministic());
        assertTrue(CudaFusedGraph.policy(d, LIMIT).autotune());
    }
}
