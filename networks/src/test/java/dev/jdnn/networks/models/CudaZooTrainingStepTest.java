package dev.jdnn.networks.models;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.ops.cuda.CudaBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One training step of every zoo model on the CUDA backend (strict FP32, heuristic algorithms, its default NHWC
 * layout: channels-last activations and KRSC weights; the CPU comparison below runs NCHW), at batch 4 and the
 * smallest input the model takes ({@link ZooInputs}). Every model: a finite positive loss, a finite non-zero gradient
 * for every trainable parameter (stochastic depth may rightly drop a block), finite evaluation logits. Models up to
 * {@link #CPU_COMPARISON_MAX_PARAMETERS} parameters also run the same step on the CPU backend from the same weights,
 * inputs and labels (dropout and stochastic depth draw the same bits on both backends) and must agree: loss within
 * 1e-3 relative, evaluation logits within 1e-3 of the largest, and the whole gradient within 5e-2 in relative L2 norm
 * (batch norm over 4 samples at these tiny inputs makes gradients ill-conditioned; see PyTorchParityTest). The
 * largest models (AlexNet, VGG, ResNeXt-101, the big EfficientNets) get the CUDA checks only, for time.
 */
@Tag("gpu")
class CudaZooTrainingStepTest {
    static final int BATCH = 4, CLASSES = 10;
    static final long CPU_COMPARISON_MAX_PARAMETERS = 30_000_000;
    private static final Backend CPU = new CpuBackend();
    private static CudaBackend cuda;

    @BeforeAll
    static void open() {
        if (CudaBackend.isAvailable()) {
            cuda = CudaBackend.create(0, CudaBackend.Options.defaults().withStrictFp32(true).withBenchmarkConvolutions(false).withConvAlgorithmCacheDir(null));
        }
    }

    @AfterAll
    static void close() {
        if (cuda != null) cuda.close();
    }

    static List<String> names() {
        return Models.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void oneTrainingStepOnCuda(String name) {
        assumeTrue(CudaBackend.isAvailable(), () -> "CUDA backend unavailable: " + CudaBackend.unavailableReason());
        Shape in = ZooInputs.smallest(name, BATCH);
        Layer model = Models.create(name, ModelConfig.of(CLASSES, in.dim(1), in.dim(2), in.dim(3)));
        float[] x = new float[Math.toIntExact(in.numel())];
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < x.length; i++) x[i] = (float) (2 * r.nextDouble() - 1);
        int[] y = {3, 7, 0, 9};
        long start = System.nanoTime();
        try (CompiledModel gpu = CompiledModel.compile(model, in, cuda, 7); Tensor labels = cuda.allocate(Shape.of(BATCH), DType.INT32)) {
            cuda.upload(x, gpu.input());
            cuda.uploadInts(y, labels);
            gpu.setTraining(true);
            float loss = gpu.forwardBackward(labels, 0f);
            assertTrue(Float.isFinite(loss) && loss > 0, name + " loss " + loss);
            List<String> droppable = ZooTrainingStepTest.stochasticDepthBlocks(model);
            for (Map.Entry<String, Parameter> e : gpu.trainableParameters().entrySet()) {
                double norm = 0;
                for (float v : cuda.download(e.getValue().grad())) {
                    assertTrue(Float.isFinite(v), name + ": non-finite gradient in " + e.getKey());
                    norm += (double) v * v;
                }
                boolean mayBeDropped = droppable.stream().anyMatch(prefix -> e.getKey().startsWith(prefix + "."));
                assertTrue(norm > 0 || mayBeDropped, name + ": no gradient reaches " + e.getKey());
            }
            float[] gradients = cuda.download(gpu.flatGradients()), parameters = cuda.download(gpu.flatParameters());
            gpu.setTraining(false);
            float[] logits = cuda.download(gpu.forward());
            for (float v : logits) assertTrue(Float.isFinite(v), name + ": non-finite logit in evaluation");
            String compared = "";
            if (model.parameterCount() <= CPU_COMPARISON_MAX_PARAMETERS) {
                compared = againstCpu(name, in, x, y, parameters, loss, gradients, logits);
            }
            System.out.printf("cuda zoo step %s at %s: loss %.5f%s (%.1f s)%n", name, in, loss, compared, (System.nanoTime() - start) / 1e9);
        }
    }

    /** The same step on the CPU from the CUDA model's initial parameters; returns the measured differences. */
    private static String againstCpu(String name, Shape in, float[] x, int[] y, float[] initial, float cudaLoss, float[] cudaGradients, float[] cudaLogits) {
        Layer model = Models.create(name, ModelConfig.of(CLASSES, in.dim(1), in.dim(2), in.dim(3)));
        try (CompiledModel cpu = CompiledModel.compile(model, in, CPU, 7); Tensor labels = CPU.allocate(Shape.of(BATCH), DType.INT32)) {
            CPU.upload(initial, cpu.flatParameters());
            CPU.upload(x, cpu.input());
            CPU.uploadInts(y, labels);
            cpu.setTraining(true);
            float loss = cpu.forwardBackward(labels, 0f);
            double lossError = Math.abs(cudaLoss - loss) / Math.abs(loss);
            assertTrue(lossError <= 1e-3, name + ": CUDA loss " + cudaLoss + ", CPU " + loss);
            float[] g = CPU.download(cpu.flatGradients());
            double diff = 0, ref = 0;
            for (int i = 0; i < g.length; i++) {
                diff += Math.pow((double) cudaGradients[i] - g[i], 2);
                ref += (double) g[i] * g[i];
            }
            double gradientError = Math.sqrt(diff / ref);
            assertTrue(gradientError <= 5e-2, name + ": |g_cuda - g_cpu| / |g_cpu| = " + gradientError);
            cpu.setTraining(false);
            float[] logits = CPU.download(cpu.forward());
            double worst = 0, scale = 0;
            for (int i = 0; i < logits.length; i++) {
                worst = Math.max(worst, Math.abs(cudaLogits[i] - logits[i]));
                scale = Math.max(scale, Math.abs(logits[i]));
            }
            assertTrue(worst <= 1e-3 * scale, name + ": evaluation logits differ by " + worst + " (largest " + scale + ")");
            return String.format(", vs CPU: loss %.2g, gradient %.2g, logits %.2g", lossError, gradientError, worst / scale);
        }
    }
}
