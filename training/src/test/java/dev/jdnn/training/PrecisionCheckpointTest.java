package dev.jdnn.training;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.networks.graph.CompileOptions.Layout;
import dev.jdnn.networks.graph.CompileOptions.Precision;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.LossScaling;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.StateDicts;
import dev.jdnn.training.checkpoint.TrainingCheckpoint;
import dev.jdnn.training.checkpoint.TrainingState;
import dev.jdnn.training.data.Augmentations;
import dev.jdnn.networks.models.Normalization;
import dev.jdnn.training.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layout and precision never reach the files: a channels-last bf16 model's weights, state dicts and optimizer state
 * are torchvision's OIHW float32 values by name, so files move between layouts and precisions (and to PyTorch)
 * unchanged; the optimizer updates channels-last weights in one call; an fp16 run's loss scale is checkpointed and
 * restored.
 */
class PrecisionCheckpointTest {
    private static final Shape INPUT = Shape.of(4, 3, 16, 16);
    private static final CompileOptions NHWC_BF16 = CompileOptions.DEFAULT.withLayout(Layout.NHWC).withPrecision(Precision.BF16);

    @TempDir
    Path dir;

    private static CompiledModel resnet20(CompileOptions options) {
        return CompiledModel.compile(Models.create("resnet20", ModelConfig.of(10, 3, 16, 16)), INPUT, TinySetup.BACKEND, 21, options);
    }

    private static Map<String, float[]> values(CompiledModel m) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        m.stateDict().forEach((k, p) -> out.put(k, TinySetup.BACKEND.download(p.value())));
        return out;
    }

    private static void assertSameValues(Map<String, float[]> expected, CompiledModel m) {
        for (Map.Entry<String, Parameter> e : m.stateDict().entrySet()) {
            assertArrayEquals(expected.get(e.getKey()), TinySetup.BACKEND.download(e.getValue().value()), e.getKey());
        }
    }

    @Test
    void weightsOnDiskAreTheSameWhateverTheLayoutAndPrecision() throws Exception {
        Path nchwFile = dir.resolve("nchw.safetensors"), nhwcFile = dir.resolve("nhwc.safetensors"), trainedFile = dir.resolve("trained.safetensors");
        Map<String, float[]> trained;
        float[] trainedLogits;
        try (CompiledModel nchw = resnet20(CompileOptions.DEFAULT); CompiledModel nhwc = resnet20(NHWC_BF16)) {
            StateDicts.saveWeights(nchwFile, nchw.stateDict(), TinySetup.BACKEND, Map.of());
            StateDicts.saveWeights(nhwcFile, nhwc.stateDict(), TinySetup.BACKEND, Map.of());
            assertArrayEquals(Files.readAllBytes(nchwFile), Files.readAllBytes(nhwcFile), "same seed, same values in the same (OIHW) order");
            try (SafeTensorsFile f = SafeTensorsFile.open(nhwcFile)) {
                assertArrayEquals(new long[] {16, 3, 3, 3}, f.entries().get("conv1.weight").shape(), "OIHW, torchvision's shape");
                assertEquals("F32", f.entries().get("conv1.weight").dtype().name(), "master weights, float32");
            }
            // Train the channels-last bf16 model a little, then write it.
            try (Optimizer opt = dev.jdnn.training.optim.Optimizers.create(nhwc, new dev.jdnn.training.optim.GroupRules(0.05, 5e-4).partition(nhwc.trainableParameters()),
                    new dev.jdnn.ops.OptimizerConfig.Sgd(0.9, 0, 5e-4, false));
                 Tensor labels = GraphLabels.of(nhwc)) {
                assertEquals(java.util.List.of(1), opt.segmentCounts(), "one group over the flat buffers, channels-last weights included: one update call");
                for (int step = 0; step < 2; step++) {
                    opt.writeStepScalars(1);
                    nhwc.forwardBackward(labels, 0f, opt.guardedUpdate());
                }
            }
            StateDicts.saveWeights(trainedFile, nhwc.stateDict(), TinySetup.BACKEND, Map.of());
            trained = values(nhwc);
            nhwc.setTraining(false);
            TinySetup.BACKEND.upload(new float[Math.toIntExact(INPUT.numel())], nhwc.input());
            trainedLogits = TinySetup.BACKEND.download(nhwc.forward());
        }
        try (CompiledModel nchw = resnet20(CompileOptions.DEFAULT); CompiledModel nhwc = resnet20(NHWC_BF16);
             SafeTensorsFile f = SafeTensorsFile.open(trainedFile)) {
            StateDicts.load(f, nchw.stateDict(), TinySetup.BACKEND, true, k -> false);
            StateDicts.load(f, nhwc.stateDict(), TinySetup.BACKEND, true, k -> false);
            assertSameValues(trained, nchw);
            assertSameValues(trained, nhwc);
            nhwc.setTraining(false);
            TinySetup.BACKEND.upload(new float[Math.toIntExact(INPUT.numel())], nhwc.input());
            assertArrayEquals(trainedLogits, TinySetup.BACKEND.download(nhwc.forward()), "the loaded model computes what the trained one did");
        }
    }

    @Test
    void optimizerStateMovesBetweenLayoutsByName() {
        Path ckpt = dir.resolve("last.ckpt");
        Map<String, float[]> momentum = new java.util.LinkedHashMap<>();
        try (CompiledModel nhwc = resnet20(NHWC_BF16); Optimizer opt = TinySetup.sgd(nhwc, 0.05); Tensor labels = GraphLabels.of(nhwc)) {
            String key = "layer1.0.conv1.weight"; // channels-last in this compile
            float[] before = TinySetup.BACKEND.download(nhwc.stateDict().get(key).value());
            opt.writeStepScalars(1);
            nhwc.forwardBackward(labels, 0f, opt.guardedUpdate());
            opt.state().forEach((k, t) -> momentum.put(k, TinySetup.BACKEND.download(t)));
            // SGD's first step sets the momentum to the gradient plus the weight decay: read by name, in the weight's order
            float[] grad = TinySetup.BACKEND.download(nhwc.stateDict().get(key).grad()), buffer = momentum.get("optim." + key + ".momentum_buffer");
            for (int i = 0; i < grad.length; i++) assertEquals(grad[i] + 5e-4f * before[i], buffer[i], 1e-6 * (1 + Math.abs(grad[i])), key + " momentum " + i);
            TrainingCheckpoint.save(ckpt, nhwc.stateDict(), opt, TinySetup.BACKEND, new TrainingState(0, 1, 1, 1, 0, 21, opt.kind(), -1, null), null);
        }
        try (CompiledModel nchw = resnet20(CompileOptions.DEFAULT); Optimizer opt = TinySetup.sgd(nchw, 0.05)) {
            TrainingCheckpoint.load(ckpt, nchw.stateDict(), opt, TinySetup.BACKEND);
            opt.state().forEach((k, t) -> assertArrayEquals(momentum.get(k), TinySetup.BACKEND.download(t), k));
        }
    }

    @Test
    void anFp16RunCheckpointsItsLossScale() {
        Path ckpt = dir.resolve("fp16.ckpt");
        CompileOptions fp16 = CompileOptions.DEFAULT.withPrecision(Precision.FP16).withLossScaling(new LossScaling(256f, 2f, 0.5f, 2));
        float[] scale;
        TrainingState saved;
        try (CompiledModel m = CompiledModel.compile(TinySetup.tinyNet(), Shape.of(TinySetup.BATCH, 1, 8, 8), TinySetup.BACKEND, 3, fp16);
             Optimizer opt = TinySetup.sgd(m, 0.05);
             Trainer t = Trainer.builder(m, opt).trainData(TinySetup.data(12, 1), Augmentations.normalize(new Normalization(new float[] {0.5f}, new float[] {0.25f})))
                     .epochs(1).loaderWorkers(1).build()) {
            t.fit();
            scale = m.lossScaleState();
            saved = t.state();
            assertArrayEquals(scale, saved.lossScale());
            assertEquals(3, saved.optimizerSteps(), "3 finite steps, each applied");
            assertTrue(scale[0] == 512f && scale[1] == 1f, "256 doubled after two good steps, one more counted: " + java.util.Arrays.toString(scale));
            TrainingCheckpoint.save(ckpt, m.stateDict(), opt, TinySetup.BACKEND, saved, null);
        }
        try (CompiledModel m = CompiledModel.compile(TinySetup.tinyNet(), Shape.of(TinySetup.BATCH, 1, 8, 8), TinySetup.BACKEND, 3, fp16);
             Optimizer opt = TinySetup.sgd(m, 0.05);
             Trainer t = Trainer.builder(m, opt).trainData(TinySetup.data(12, 1), Augmentations.normalize(new Normalization(new float[] {0.5f}, new float[] {0.25f})))
                     .epochs(2).loaderWorkers(1).build()) {
            assertArrayEquals(new float[] {256f, 0f}, m.lossScaleState());
            TrainingState restored = t.resume(ckpt);
            assertArrayEquals(scale, restored.lossScale());
            assertArrayEquals(scale, m.lossScaleState(), "resume restores the scale");
        }
        try (CompiledModel m = TinySetup.compile(); Optimizer opt = TinySetup.sgd(m, 0.05);
             Trainer t = Trainer.builder(m, opt).trainData(TinySetup.data(12, 1), Augmentations.normalize(new Normalization(new float[] {0.5f}, new float[] {0.25f}))).build()) {
            assertNull(t.state().lossScale(), "float32 runs have no loss scale");
        }
        assertTrue(new TrainingState(0, 0, 0, 0, 0, 0, "sgd", -1, null, new float[] {0f, 1f}).problems().toString().contains("lossScale"));
        assertTrue(new TrainingState(0, 0, 0, 0, 0, 0, "sgd", -1, null, new float[] {8f, 1.5f}).problems().toString().contains("lossScale"));
        assertTrue(new TrainingState(0, 0, 0, 0, 0, 0, "sgd", -1, null, new float[] {8f, 1f}).problems().isEmpty());
    }

    /** Labels 0..n-1 mod classes for a model's batch, on its backend. */
    private static final class GraphLabels {
        static Tensor of(CompiledModel m) {
            int n = m.inputShape().dim(0);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) y[i] = i % m.outputShape().dim(1);
            Tensor t = m.backend().allocate(Shape.of(n), dev.jdnn.memory.DType.INT32);
            m.backend().uploadInts(y, t);
            return t;
        }
    }
}
