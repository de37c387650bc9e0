package dev.jdnn.networks.graph;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.graph.CompileOptions.Layout;
import dev.jdnn.networks.graph.CompileOptions.Precision;
import dev.jdnn.networks.graph.nodes.FusionGroup;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a compile's layout and precision are chosen and what they change in the graph: what AUTO and TF32 mean on each
 * kind of backend, the nodes NHWC and half precision add, where weights live (channels-last under their torchvision
 * shape; half-precision copies refreshed before every forward), the typed memory plan, and fused patterns falling
 * back with a graph-level reason.
 */
class PrecisionAndLayoutTest {
    private static final Backend CPU = new CpuBackend();
    private static final Shape LENET = Shape.of(2, 1, 32, 32);

    /** The CPU backend claiming tensor cores (NHWC preferred) and, if {@code tf32}, TF32 math: what a CUDA device says. */
    private static Backend cudaLike(boolean tf32) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, m, args) -> {
            if (m.getName().equals("prefersChannelsLast")) return true;
            if (m.getName().equals("allowsTf32")) return tf32;
            try {
                return m.invoke(CPU, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private static Layer lenet() {
        return Models.create("lenet5", ModelConfig.of(10, 1, 32, 32));
    }

    @Test
    void autoLayoutIsNhwcWhereTheBackendPrefersItAndTf32WhereItHasIt() {
        assertEquals(MemoryFormat.NCHW, Layout.AUTO.on(CPU));
        assertEquals(MemoryFormat.NHWC, Layout.AUTO.on(cudaLike(true)));
        assertEquals(MemoryFormat.NCHW, Layout.NCHW.on(cudaLike(true)));
        assertEquals(Precision.FP32, Precision.TF32.on(CPU), "the CPU has no TF32: tf32 means float32");
        assertEquals(Precision.FP32, Precision.FP32.on(CPU));
        assertEquals(Precision.TF32, Precision.TF32.on(cudaLike(true)));
        assertEquals(Precision.FP32, Precision.TF32.on(cudaLike(false)), "a backend opened strict forbids TF32");
        var e = assertThrows(IllegalArgumentException.class, () -> Precision.FP32.on(cudaLike(true)));
        assertTrue(e.getMessage().contains("withStrictFp32(true)"), e.getMessage());
        assertEquals(Precision.BF16, Precision.parse(" BF16 "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp8")).getMessage().contains("fp32, tf32, bf16 or fp16"));
        assertEquals(Layout.AUTO, CompileOptions.DEFAULT.layout());
        assertEquals(Precision.TF32, CompileOptions.DEFAULT.precision());

        try (CompiledModel m = CompiledModel.compile(lenet(), LENET, cudaLike(true), 1)) {
            assertEquals(MemoryFormat.NHWC, m.memoryFormat(), "channels-last by default where the backend prefers it");
            assertEquals("precision tf32 (float32 storage, TF32 tensor cores in convolutions and matrix products), layout nhwc", m.computeSummary());
        }
        try (CompiledModel m = CompiledModel.compile(lenet(), LENET, CPU, 1)) {
            assertEquals("precision fp32 (float32), layout nchw", m.computeSummary());
        }
    }

    @Test
    void nhwcCastsTheInputAndCopiesIntoNchwOrderBeforeTheFlatten() {
        try (CompiledModel m = CompiledModel.compile(lenet(), LENET, CPU, 1, CompileOptions.DEFAULT.withLayout(Layout.NHWC))) {
            String graph = m.describeGraph(true);
            assertTrue(graph.startsWith("0 cast(input)@<root>"), graph);
            assertTrue(graph.contains("copy(nhwc->nchw)@<root>"), "lenet5 flattens a 16x5x5 map: " + graph);
            assertEquals(DType.FLOAT32, m.input().dtype());
            assertTrue(m.input().isContiguous(), "the model input stays float32 NCHW: " + m.input().describe());
            Parameter conv = m.stateDict().get("features.0.weight"), fc = m.stateDict().get("classifier.0.weight");
            assertEquals(Shape.of(6, 1, 5, 5), conv.shape());
            assertEquals(Shape.of(6, 1, 5, 5), conv.value().shape(), "weights keep their torchvision shape");
            Parameter conv2 = m.stateDict().get("features.3.weight");
            assertEquals(MemoryFormat.NHWC, conv2.value().memoryFormat(), "convolution weights lie channels-last (KRSC): " + conv2.value().describe());
            assertEquals(MemoryFormat.NHWC, conv2.grad().memoryFormat(), "and so do their gradients");
            assertEquals(MemoryFormat.NCHW, fc.value().memoryFormat());
            assertTrue(conv2.computeValue() == conv2.value(), "a float32 compile has no weight copies");
        }
        try (CompiledModel m = CompiledModel.compile(Models.create("resnet20", ModelConfig.of(10, 3, 16, 16)), Shape.of(2, 3, 16, 16), CPU, 1,
                CompileOptions.DEFAULT.withLayout(Layout.NHWC))) {
            assertFalse(m.describeGraph(true).contains("copy(nhwc->nchw)"), "a 1x1 map flattens as a view: NHWC and NCHW are the same bytes");
        }
    }

    @Test
    void halfPrecisionReadsWeightCopiesRefreshedBeforeEveryForward() {
        try (CompiledModel m = CompiledModel.compile(lenet(), LENET, CPU, 1, CompileOptions.DEFAULT.withPrecision(Precision.BF16));
             CompiledModel fresh = CompiledModel.compile(lenet(), LENET, CPU, 2, CompileOptions.DEFAULT.withPrecision(Precision.BF16))) {
            Parameter w = m.stateDict().get("features.0.weight");
            assertEquals(DType.FLOAT32, w.value().dtype(), "the master weight is float32");
            assertEquals(DType.BFLOAT16, w.computeValue().dtype(), "convolutions read a bfloat16 copy");
            assertEquals(DType.FLOAT32, m.flatGradients().dtype());
            float[] x = GraphFixture.input(LENET, 4);
            CPU.upload(x, m.input());
            CPU.upload(x, fresh.input());
            m.setTraining(false);
            fresh.setTraining(false);
            float[] before = CPU.download(m.forward());
            // Load the other model's weights by name (as a state-dict load does): the next forward must use them.
            for (Map.Entry<String, Parameter> e : fresh.stateDict().entrySet()) CPU.upload(CPU.download(e.getValue().value()), m.stateDict().get(e.getKey()).value());
            float[] after = CPU.download(m.forward());
            assertNotEquals(before[0], after[0]);
            assertArrayEquals(CPU.download(fresh.forward()), after, "the copies follow a weight load at the next forward");
            assertEquals(DType.BFLOAT16, m.output().dtype(), "the logits are bfloat16, as autocast's linear writes them");
        }
    }

    @Test
    void buffersArePlannedInTheirDtype() {
        Shape in = Shape.of(8, 3, 32, 32);
        try (CompiledModel fp32 = CompiledModel.compile(Models.create("resnet20", ModelConfig.of(10, 3, 32, 32)), in, CPU, 1);
             CompiledModel bf16 = CompiledModel.compile(Models.create("resnet20", ModelConfig.of(10, 3, 32, 32)), in, CPU, 1,
                     CompileOptions.DEFAULT.withPrecision(Precision.BF16))) {
            double ratio = (double) bf16.memoryReport().plannedActivationBytes() / fp32.memoryReport().plannedActivationBytes();
            assertTrue(ratio > 0.45 && ratio < 0.6, "bf16 activations and gradients take about half the bytes: ratio " + ratio);
            long fp32Bytes = fp32.memoryReport().parameterBytes(), bf16Bytes = bf16.memoryReport().parameterBytes();
            // float32: values + gradients of the trainable ones, buffers once; bf16 adds a 2-byte copy of every value and buffer
            assertTrue(bf16Bytes > fp32Bytes && bf16Bytes < 1.5 * fp32Bytes, "the bf16 weight copies: " + fp32Bytes + " -> " + bf16Bytes);
        }
    }

    @Test
    void fusedPatternsFallBackWithTheReasonOutsideFloat32Nchw() {
        try (CompiledModel m = CompiledModel.compile(Models.create("resnet20", ModelConfig.of(10, 3, 16, 16)), Shape.of(2, 3, 16, 16), CPU, 1,
                CompileOptions.DEFAULT.withFusion(CompileOptions.FusionMode.ON).withLayout(Layout.NHWC).withPrecision(Precision.BF16))) {
            assertFalse(m.fusionGroups().isEmpty());
            for (FusionGroup g : m.fusionGroups()) {
                assertFalse(g.fused(), g.describe());
                assertTrue(g.detail().contains("the graph fuses float32 NCHW compiles only (this compile stores activations as bfloat16 nhwc)"), g.describe());
            }
            assertFalse(m.describeGraph(true).contains("fused"));
        }
    }
}
