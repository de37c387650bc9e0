package dev.jdnn.networks.parity;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.layers.Dropout;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deterministic re-wrapping keeps the state dict and removes every source of training randomness. */
class WithoutRandomnessTest {
    private static final Backend CPU = new CpuBackend();

    @ParameterizedTest
    @ValueSource(strings = {"efficientnet_b0", "googlenet"}) // stochastic depth; dropout held in fields and aux heads
    void sameStateDictNoDropoutAndRepeatableTrainingLoss(String name) {
        // 64x64: at 32x32 the last stages are 1x1 and training-mode BN normalises 2 values per channel, which turns
        // rounding differences into loss differences of 10% and more (chaotic), masking what this test looks for.
        Layer model = Models.create(name, ModelConfig.of(10, 3, 64, 64));
        assertTrue(model.namedModules().values().stream().anyMatch(m -> m instanceof Dropout), name + " should have dropout to remove");
        Layer det = WithoutRandomness.of(model);
        assertEquals(List.copyOf(model.stateDict().keySet()), List.copyOf(det.stateDict().keySet()));
        assertTrue(det.namedModules().values().stream().noneMatch(m -> m instanceof Dropout), "dropout left in " + name);

        Shape in = Shape.of(2, 3, 64, 64);
        try (CompiledModel cm = CompiledModel.compile(det, in, CPU, 5); Tensor labels = CPU.allocate(Shape.of(2), DType.INT32)) {
            float[] x = new float[Math.toIntExact(in.numel())];
            DeterministicFill.fill(x, DeterministicFill.INPUT_INDEX, in, DeterministicFill.Role.INPUT);
            CPU.upload(x, cm.input());
            CPU.uploadInts(new int[]{1, 2}, labels);
            cm.setTraining(true);
            // BN running statistics change between the calls, but training-mode BN does not read them. Not bitwise:
            // the CPU backend's results vary run to run in the last bits (measured 5e-6 relative here); with dropout or
            // stochastic depth left on, the loss varies by tens of percent.
            float first = cm.forwardBackward(labels, 0f);
            for (int i = 0; i < 2; i++) assertEquals(first, cm.forwardBackward(labels, 0f), 1e-4 * first, name + ": training loss should not vary");
        }
    }
}
