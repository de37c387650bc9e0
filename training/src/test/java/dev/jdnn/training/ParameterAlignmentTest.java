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
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.training.optim.GroupRules;
import dev.jdnn.training.optim.Optimizer;
import dev.jdnn.training.optim.Optimizers;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every parameter starts at a multiple of {@link CompiledModel#PARAMETER_ALIGNMENT} elements in the flat buffers, so
 * the GPU's tensor-core kernels get 16-byte-aligned weights in float32 and in the half-precision copies (packed back
 * to back, 38 of this model's bf16 convolution weights were only 8-byte aligned); the padding between them stays zero
 * through AdamW steps with weight decay, and one group still updates in one call.
 */
class ParameterAlignmentTest {
    @Test
    void parametersStartAlignedAndThePaddingStaysZero() {
        Shape in = Shape.of(2, 3, 64, 64);
        try (CompiledModel m = CompiledModel.compile(Models.create("shufflenet_v2_x1_0", ModelConfig.of(10, 3, 64, 64)), in, TinySetup.BACKEND, 5,
                CompileOptions.DEFAULT.withLayout(Layout.NHWC).withPrecision(Precision.BF16))) {
            boolean[] covered = new boolean[Math.toIntExact(m.flatParameters().numel())];
            int unalignedBefore = 0;
            long packed = 0;
            for (Parameter p : m.trainableParameters().values()) {
                for (Tensor t : List.of(p.value(), p.grad(), p.computeValue())) {
                    // 8 elements: 16 bytes of bf16 (the buffers themselves start at least 256-byte aligned)
                    assertEquals(0, t.offset() % 8, p.localName() + " starts 16-byte aligned in every dtype: " + t.describe());
                }
                long off = p.value().offset() - m.flatParameters().offset();
                for (long i = off; i < off + p.numel(); i++) covered[Math.toIntExact(i)] = true;
                if (p.shape().rank() == 4 && packed % 8 != 0) unalignedBefore++; // bf16: 16 bytes are 8 elements
                packed += p.numel();
            }
            assertTrue(unalignedBefore > 0, "the model has weights that back-to-back packing would misalign (" + unalignedBefore + ")");

            try (Optimizer opt = Optimizers.create(m, new GroupRules(0.05, 0.1).partition(m.trainableParameters()),
                    OptimizerConfig.Adam.adamw(0.1))) {
                assertEquals(List.of(1), opt.segmentCounts(), "one group over the padded flat buffers: one update call");
                TinySetup.BACKEND.upload(ramp(in), m.input());
                TinySetup.BACKEND.uploadInts(new int[] {3, 7}, m.labels());
                for (int step = 0; step < 2; step++) {
                    opt.writeStepScalars(1);
                    m.forwardBackward(m.labels(), 0f, opt.guardedUpdate());
                }
            }
            float[] flat = TinySetup.BACKEND.download(m.flatParameters());
            int padding = 0;
            for (int i = 0; i < flat.length; i++) {
                if (covered[i]) continue;
                padding++;
                assertEquals(0f, flat[i], "padding element " + i + " after two AdamW steps with weight decay");
            }
            assertTrue(padding > 0, "the layout has padding to check");
        }
    }

    private static float[] ramp(Shape s) {
        float[] x = new float[Math.toIntExact(s.numel())];
        for (int i = 0; i < x.length; i++) x[i] = (i % 97) / 97f - 0.5f;
        return x;
    }
}
