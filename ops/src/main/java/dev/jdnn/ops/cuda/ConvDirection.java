package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cudnn.cudnnConvolutionBwdDataAlgoPerfStruct;
import dev.jdnn.bindings.cudnn.cudnnConvolutionBwdFilterAlgoPerfStruct;
import dev.jdnn.bindings.cudnn.cudnnConvolutionFwdAlgoPerfStruct;
import dev.jdnn.bindings.cudnn.cudnn_h;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * The three convolution directions, each with its cuDNN search, heuristic and workspace-size entry points, so the
 * algorithm choice in {@link CudaConv2d} is written once. Descriptor arguments are always passed in the order
 * (input-side tensor or filter, output-side tensor or filter) that the cuDNN function for the direction expects:
 * forward (x, w → y), backward data (w, dy → dx), backward filter (x, dy → dw).
 */
enum ConvDirection {
    FORWARD("forward"), BACKWARD_DATA("backward data"), BACKWARD_FILTER("backward filter");

    final String label;

    ConvDirection(String label) {
        this.label = label;
    }

    /** Bytes of one perf-result struct (the three structs share a layout). */
    long perfBytes() {
        return switch (this) {
            case FORWARD -> cudnnConvolutionFwdAlgoPerfStruct.layout().byteSize();
            case BACKWARD_DATA -> cudnnConvolutionBwdDataAlgoPerfStruct.layout().byteSize();
            case BACKWARD_FILTER -> cudnnConvolutionBwdFilterAlgoPerfStruct.layout().byteSize();
        };
    }

    int maxCount(MemorySegment handle, MemorySegment out) {
        return switch (this) {
            case FORWARD -> cudnn_h.cudnnGetConvolutionForwardAlgorithmMaxCount(handle, out);
            case BACKWARD_DATA -> cudnn_h.cudnnGetConvolutionBackwardDataAlgorithmMaxCount(handle, out);
            case BACKWARD_FILTER -> cudnn_h.cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(handle, out);
        };
    }

    /** Benchmarks the algorithms on real buffers (a, b inputs; c output, overwritten). */
    int find(MemorySegment h, Descs d, MemorySegment a, MemorySegment b, MemorySegment c, int count, MemorySegment returned,
             MemorySegment perf, MemorySegment ws, long wsBytes) {
        return switch (this) {
            case FORWARD -> cudnn_h.cudnnFindConvolutionForwardAlgorithmEx(h, d.x, a, d.w, b, d.conv, d.y, c, count, returned, perf, ws, wsBytes);
            case BACKWARD_DATA -> cudnn_h.cudnnFindConvolutionBackwardDataAlgorithmEx(h, d.w, a, d.y, b, d.conv, d.x, c, count, returned, perf, ws, wsBytes);
            case BACKWARD_FILTER -> cudnn_h.cudnnFindConvolutionBackwardFilterAlgorithmEx(h, d.x, a, d.y, b, d.conv, d.w, c, count, returned, perf, ws, wsBytes);
        };
    }

    int heuristic(MemorySegment h, Descs d, int count, MemorySegment returned, MemorySegment perf) {
        return switch (this) {
            case FORWARD -> cudnn_h.cudnnGetConvolutionForwardAlgorithm_v7(h, d.x, d.w, d.conv, d.y, count, returned, perf);
            case BACKWARD_DATA -> cudnn_h.cudnnGetConvolutionBackwardDataAlgorithm_v7(h, d.w, d.y, d.conv, d.x, count, returned, perf);
            case BACKWARD_FILTER -> cudnn_h.cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, d.x, d.y, d.conv, d.w, count, returned, perf);
        };
    }

    int workspaceSize(MemorySegment h, Descs d, int algo, MemorySegment out) {
        return switch (this) {
            case FORWARD -> cudnn_h.cudnnGetConvolutionForwardWorkspaceSize(h, d.x, d.w, d.conv, d.y, algo, out);
            case BACKWARD_DATA -> cudnn_h.cudnnGetConvolutionBackwardDataWorkspaceSize(h, d.w, d.y, d.conv, d.x, algo, out);
            case BACKWARD_FILTER -> cudnn_h.cudnnGetConvolutionBackwardFilterWorkspaceSize(h, d.x, d.y, d.conv, d.w, algo, out);
        };
    }

    /** cuDNN's name of one of this direction's algorithms ("IMPLICIT_PRECOMP_GEMM", "ALGO_1", ...), for profiles. */
    String algorithmName(int algo) {
        Map<Integer, String> names = switch (this) {
            case FORWARD -> Map.of(cudnn_h.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM(), "IMPLICIT_GEMM",
                    cudnn_h.CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM(), "IMPLICIT_PRECOMP_GEMM",
                    cudnn_h.CUDNN_CONVOLUTION_FWD_ALGO_GEMM(), "GEMM", cudnn_h.CUDNN_CONVOLUTION_FWD_ALGO_DIRECT(), "DIRECT",
                    cudnn_h.CUDNN_CONVOLUTION_FWD_ALGO_FFT(), "FFT", cudnn_h.CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING(), "FFT_TILING",
                    cudnn_h.CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD(), "WINOGRAD",
                    cudnn_h.CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED(), "WINOGRAD_NONFUSED");
            case BACKWARD_DATA -> Map.of(cudnn_h.CUDNN_CONVOLUTION_BWD_DATA_ALGO_0(), "ALGO_0",
                    cudnn_h.CUDNN_CONVOLUTION_BWD_DATA_ALGO_1(), "ALGO_1", cudnn_h.CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT(), "FFT",
                    cudnn_h.CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING(), "FFT_TILING",
                    cudnn_h.CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD(), "WINOGRAD",
                    cudnn_h.CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED(), "WINOGRAD_NONFUSED");
            case BACKWARD_FILTER -> Map.of(cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0(), "ALGO_0",
                    cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1(), "ALGO_1", cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT(), "FFT",
                    cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3(), "ALGO_3",
                    cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD(), "WINOGRAD",
                    cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED(), "WINOGRAD_NONFUSED",
                    cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING(), "FFT_TILING");
        };
        return names.getOrDefault(algo, "algorithm " + algo);
    }

    /** One entry of a cudnnFind*AlgorithmEx / cudnnGet*Algorithm_v7 result array. */
    record Result(int algo, int status, long memory, int determinism, int mathType) {
        // Every perf struct starts {int algo; cudnnStatus_t status; float time; size_t memory; determinism; mathType}.
        static Result read(MemorySegment perf) {
            return new Result(cudnnConvolutionFwdAlgoPerfStruct.algo(perf), cudnnConvolutionFwdAlgoPerfStruct.status(perf),
                    cudnnConvolutionFwdAlgoPerfStruct.memory(perf), cudnnConvolutionFwdAlgoPerfStruct.determinism(perf),
                    cudnnConvolutionFwdAlgoPerfStruct.mathType(perf));
        }

        boolean deterministic() {
            return determinism == cudnn_h.CUDNN_DETERMINISTIC();
        }
    }

    /**
     * The algorithms cuDNN documents as non-deterministic (they accumulate with atomics): backward data ALGO_0,
     * backward filter ALGO_0 and ALGO_3. A search reports determinism itself; this list only guards choices read back
     * from the algorithm store, which carry no determinism field.
     */
    boolean knownNondeterministic(int algo) {
        return switch (this) {
            case FORWARD -> false;
            case BACKWARD_DATA -> algo == cudnn_h.CUDNN_CONVOLUTION_BWD_DATA_ALGO_0();
            case BACKWARD_FILTER -> algo == cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0() || algo == cudnn_h.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3();
        };
    }

    /** The descriptors one direction works on: x-side tensor, filter, y-side tensor, convolution. */
    record Descs(MemorySegment x, MemorySegment w, MemorySegment y, MemorySegment conv) {}
}
