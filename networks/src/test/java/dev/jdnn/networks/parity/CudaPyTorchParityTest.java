package dev.jdnn.networks.parity;

import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.ops.cuda.CudaBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link PyTorchParityTest} on the CUDA backend, in its default layout there (NHWC: channels-last activations and
 * KRSC weights, compared by name in torchvision's OIHW): every fixture, once in strict FP32 (held to the CPU test's
 * tolerances: PyTorch's fixtures are FP32 too) and once with TF32 tensor cores, jdnn's default on the GPU, held to
 * {@link #TF32}; and once in strict FP32 NCHW, the other layout. Convolution algorithms come from cuDNN's
 * heuristics (no timing: this test is about numbers).
 */
@Tag("gpu")
class CudaPyTorchParityTest {
    /**
     * TF32 rounds every convolution and GEMM input to a 10-bit mantissa (relative error up to 2^-11 = 4.9e-4 per
     * operand, products accumulated in FP32), as PyTorch does with allow_tf32; through 10-50 layers with batch norm
     * over batch 2 that reaches logits and loss at about 1e-3 and gradient checksums at about 1e-2. Stated bounds
     * (10x those estimates; the first GPU run's measured errors are printed per model, "parity ... on cuda"):
     * logits and loss 1e-2, gradient and update checksums 1e-1 (0.2 for the ill-conditioned models of
     * {@link PyTorchParityTest#CONDITIONING}), and a mathematically-zero gradient must stay below 1e-3 x the model's
     * largest gradient RMS.
     */
    static final PyTorchParityTest.Tolerances TF32 = new PyTorchParityTest.Tolerances(1e-2, 1e-2, 1e-1,
            Map.of("resnet50", 0.2, "resnext50_32x4d", 0.2, "googlenet", 0.2, "mobilenet_v2", 0.2), 1e-3);

    private static CudaBackend strict, tf32;

    @BeforeAll
    static void open() {
        if (!CudaBackend.isAvailable()) return;
        CudaBackend.Options heuristics = CudaBackend.Options.defaults().withBenchmarkConvolutions(false).withConvAlgorithmCacheDir(null);
        strict = CudaBackend.create(0, heuristics.withStrictFp32(true));
        tf32 = CudaBackend.create(0, heuristics);
    }

    @AfterAll
    static void close() {
        if (strict != null) strict.close();
        if (tf32 != null) tf32.close();
    }

    private static void assumeGpu() {
        assumeTrue(CudaBackend.isAvailable(), () -> "CUDA backend unavailable: " + CudaBackend.unavailableReason());
    }

    static java.util.List<String> fixtures() {
        return PyTorchParityTest.fixtures();
    }

    @ParameterizedTest(name = "{0} strict FP32")
    @MethodSource("fixtures")
    void strictFp32MatchesPyTorch(String name) {
        assumeGpu();
        PyTorchParityTest.compare(name, strict, PyTorchParityTest.Tolerances.FP32, CompileOptions.DEFAULT.withPrecision(CompileOptions.Precision.FP32), true);
    }

    @ParameterizedTest(name = "{0} strict FP32 NCHW")
    @MethodSource("fixtures")
    void strictFp32NchwMatchesPyTorch(String name) {
        assumeGpu();
        PyTorchParityTest.compare(name, strict, PyTorchParityTest.Tolerances.FP32,
                CompileOptions.DEFAULT.withPrecision(CompileOptions.Precision.FP32).withLayout(CompileOptions.Layout.NCHW), false);
    }

    @ParameterizedTest(name = "{0} TF32")
    @MethodSource("fixtures")
    void tf32MatchesPyTorch(String name) {
        assumeGpu();
        PyTorchParityTest.compare(name, tf32, TF32);
    }
}
