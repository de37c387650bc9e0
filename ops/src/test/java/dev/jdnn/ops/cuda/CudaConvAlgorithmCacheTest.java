package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.ops.testing.Approx;
import dev.jdnn.ops.testing.BackendParityFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Benchmarked convolution algorithms are found once per shape: within a backend, and across backends via the disk. */
@Tag("gpu")
class CudaConvAlgorithmCacheTest {
    private static final Conv2dSpec SPEC = Conv2dSpec.of(Shape.of(4, 16, 14, 14), 32, 3, 1, 1, 1, 1, true);

    @BeforeEach
    void requireGpu() {
        GpuTests.assumeGpu();
    }

    private static CudaBackend backend(Path dir, boolean strict) {
        return CudaBackend.create(0, CudaBackend.Options.defaults().withStrictFp32(strict).withConvAlgorithmCacheDir(dir));
    }

    private static Map<ConvDirection, ConvAlgorithm> planAndRead(CudaBackend cuda) {
        Map<ConvDirection, ConvAlgorithm> chosen = new EnumMap<>(ConvDirection.class);
        try (CudaConv2d plan = (CudaConv2d) cuda.conv2d(SPEC)) {
            for (ConvDirection d : ConvDirection.values()) chosen.put(d, plan.chosen(d));
        }
        return chosen;
    }

    @Test
    void aSecondBackendTakesAllThreeDirectionsFromTheDiskAndTheyStillCompute(@TempDir Path dir) throws IOException {
        Map<ConvDirection, ConvAlgorithm> first;
        try (CudaBackend cuda = backend(dir, true)) {
            first = planAndRead(cuda);
            assertEquals(0, cuda.convAlgorithms().hits());
            assertEquals(3, cuda.convAlgorithms().misses());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.filter(p -> p.toString().endsWith(".txt")).count(), "one file for this device");
        }
        try (CudaBackend cuda = backend(dir, true)) {
            Map<ConvDirection, ConvAlgorithm> second = planAndRead(cuda);
            assertEquals(3, cuda.convAlgorithms().hits(), "every direction from the file");
            assertEquals(0, cuda.convAlgorithms().misses());
            assertEquals(first, second);
            // The cached choices compute the convolution: strict FP32 against the CPU backend.
            float[][] expected, actual;
            try (CpuBackend cpu = new CpuBackend(); var f = new BackendParityFixtures(cpu)) {
                expected = CudaParityTest.conv(f, SPEC, false);
            }
            try (var f = new BackendParityFixtures(cuda)) {
                actual = CudaParityTest.conv(f, SPEC, false);
            }
            for (int i = 0; i < expected.length; i++) Approx.assertClose("conv2d with cached algorithms [result " + i + "]", expected[i], actual[i], 1e-4);
        }
        try (CudaBackend cuda = backend(dir, false)) {
            planAndRead(cuda);
            assertEquals(0, cuda.convAlgorithms().hits(), "TF32 choices are not strict FP32 ones");
            assertEquals(3, cuda.convAlgorithms().misses());
        }
    }

    @Test
    void withoutADirectoryASecondPlanOfTheSameShapeIsNotBenchmarkedAgain() {
        try (CudaBackend cuda = backend(null, false)) {
            Map<ConvDirection, ConvAlgorithm> first = planAndRead(cuda);
            Map<ConvDirection, ConvAlgorithm> second = planAndRead(cuda);
            assertEquals(3, cuda.convAlgorithms().hits());
            assertEquals(3, cuda.convAlgorithms().misses());
            assertEquals(first, second);
        }
    }
}
