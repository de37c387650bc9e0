package dev.jdnn.networks.graph;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.graph.CompileOptions.Precision;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.LossScaling;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Float16 training's dynamic loss scaling inside the compiled step, as torch's GradScaler: an overflowing step (its
 * scaled gradients not finite in float16) is skipped — parameters and optimizer state untouched, though the loss
 * itself is finite — and halves the scale; every {@code growthInterval}-th good step in a row doubles it; an
 * oversized scale backs off step by step until training proceeds; the gradients a finite step leaves are unscaled.
 */
class LossScalingTest {
    private static final Backend CPU = new CpuBackend();
    private static final Shape SHAPE = Shape.of(4, 3, 8, 8);
    private static final OptimizerConfig.Sgd SGD = new OptimizerConfig.Sgd(0.9, 0, 0, false);

    private static CompiledModel compile(Precision p, LossScaling scaling) {
        return CompiledModel.compile(TinyNets.deepNet(5, 0f), SHAPE, CPU, 3,
                CompileOptions.DEFAULT.withLayout(CompileOptions.Layout.NHWC).withPrecision(p).withLossScaling(scaling));
    }

    /** A guarded SGD step over the model's flat parameters. */
    private record Sgd(CompiledModel model, Tensor momentum, Tensor scalars) implements GuardedUpdate, AutoCloseable {
        static Sgd of(CompiledModel m) {
            return new Sgd(m, CPU.zeros(m.flatParameters().shape()), CPU.zeros(Shape.of(OptimizerScalars.SGD_LENGTH)));
        }

        float step(Tensor labels, int n) {
            CPU.upload(OptimizerScalars.of(SGD, 0.05, n), scalars);
            return model.forwardBackward(labels, 0f, this);
        }

        @Override
        public List<Tensor> applyFlags() {
            return List.of(scalars.narrow(0, OptimizerScalars.SGD_APPLY, 1));
        }

        @Override
        public void enqueue() {
            CPU.sgdStep(model.flatParameters(), model.flatGradients(), momentum, SGD, scalars);
        }

        @Override
        public void close() {
            momentum.close();
            scalars.close();
        }
    }

    @Test
    void anOverflowSkipsTheStepAndHalvesTheScaleGoodStepsDoubleIt() {
        try (CompiledModel m = compile(Precision.FP16, new LossScaling(1024f, 2f, 0.5f, 3)); Sgd sgd = Sgd.of(m);
             Tensor labels = GraphFixture.labels(CPU, 4, m.outputShape().dim(1))) {
            CPU.upload(GraphFixture.input(SHAPE, 1), m.input());
            assertArrayEquals(new float[] {1024f, 0f}, m.lossScaleState());
            sgd.step(labels, 1);
            assertTrue(m.lastStepFinite());
            assertArrayEquals(new float[] {1024f, 1f}, m.lossScaleState(), "one good step counted");

            m.setLossScaleState(new float[] {0x1p60f, 1f}); // the float32 loss gradient times 2^60 cannot be stored in float16
            float[] params = CPU.download(m.flatParameters()), momentum = CPU.download(sgd.momentum());
            float loss = sgd.step(labels, 2);
            assertTrue(Float.isFinite(loss), "the loss itself is finite: only the scaled gradients overflow");
            assertFalse(m.lastStepFinite(), "the step is reported skipped");
            assertArrayEquals(params, CPU.download(m.flatParameters()), "an overflowing step changes no parameter");
            assertArrayEquals(momentum, CPU.download(sgd.momentum()), "nor the optimizer state");
            assertArrayEquals(new float[] {0x1p59f, 0f}, m.lossScaleState(), "the scale halves and the count of good steps restarts");

            m.setLossScaleState(new float[] {1024f, 0f});
            for (int i = 0; i < 3; i++) {
                sgd.step(labels, 3 + i);
                assertTrue(m.lastStepFinite(), "good step " + i);
            }
            assertArrayEquals(new float[] {2048f, 0f}, m.lossScaleState(), "the third good step in a row doubles the scale");
        }
    }

    @Test
    void anOversizedScaleBacksOffUntilTrainingProceeds() {
        try (CompiledModel m = compile(Precision.FP16, new LossScaling(0x1p40f, 2f, 0.5f, 2000)); Sgd sgd = Sgd.of(m);
             Tensor labels = GraphFixture.labels(CPU, 4, m.outputShape().dim(1))) {
            CPU.upload(GraphFixture.input(SHAPE, 2), m.input());
            int skipped = 0;
            while (skipped < 40) {
                sgd.step(labels, 1);
                if (m.lastStepFinite()) break;
                skipped++;
            }
            assertTrue(skipped > 0 && skipped < 40, "2^40 overflows at first and backs off within 40 steps; skipped " + skipped);
            assertArrayEquals(new float[] {Math.scalb(1f, 40 - skipped), 1f}, m.lossScaleState(), "halved once per skipped step, then one good step");
        }
    }

    /** The gradients a finite fp16 step leaves are the loss's own (unscaled): two scales give the same gradients up to fp16 rounding. */
    @Test
    void gradientsAreUnscaled() {
        float[] small, large;
        try (CompiledModel a = compile(Precision.FP16, new LossScaling(256f, 2f, 0.5f, 2000));
             Tensor labels = GraphFixture.labels(CPU, 4, a.outputShape().dim(1))) {
            CPU.upload(GraphFixture.input(SHAPE, 3), a.input());
            a.forwardBackward(labels, 0f);
            small = CPU.download(a.flatGradients());
        }
        try (CompiledModel b = compile(Precision.FP16, new LossScaling(4096f, 2f, 0.5f, 2000));
             Tensor labels = GraphFixture.labels(CPU, 4, b.outputShape().dim(1))) {
            CPU.upload(GraphFixture.input(SHAPE, 3), b.input());
            b.forwardBackward(labels, 0f);
            large = CPU.download(b.flatGradients());
        }
        double diff = 0, norm = 0;
        for (int i = 0; i < small.length; i++) {
            diff += (small[i] - large[i]) * (double) (small[i] - large[i]);
            norm += large[i] * (double) large[i];
        }
        assertTrue(norm > 0 && Math.sqrt(diff / norm) < 0.05, "gradients at scales 2^8 and 2^12 differ by " + Math.sqrt(diff / norm) + " (relative L2)");
    }

    @Test
    void onlyFloat16HasAScaler() {
        try (CompiledModel bf16 = compile(Precision.BF16, LossScaling.torchDefaults()); CompiledModel fp16 = compile(Precision.FP16, LossScaling.torchDefaults())) {
            assertNull(bf16.lossScaleState());
            assertThrows(IllegalStateException.class, () -> bf16.setLossScaleState(new float[] {1f, 0f}));
            assertArrayEquals(new float[] {65536f, 0f}, fp16.lossScaleState(), "torch's GradScaler starts at 2^16");
            var e = assertThrows(IllegalArgumentException.class, () -> fp16.setLossScaleState(new float[] {0f, 0f}));
            assertTrue(e.getMessage().contains("[scale > 0, good steps >= 0]"), e.getMessage());
            assertEquals(Precision.FP16, fp16.precision());
        }
    }
}
