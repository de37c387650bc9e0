package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.loader.NativeLibraries;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.BnBackwardSpec;
import dev.jdnn.ops.BnFinalizeSpec;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.ConvBiasActivationSpec;
import dev.jdnn.ops.ConvStatsSpec;
import dev.jdnn.ops.DgradDreluSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.cuda.graphapi.EngineCandidate;
import dev.jdnn.ops.cuda.graphapi.EngineChoice;
import dev.jdnn.ops.cuda.graphapi.EngineHeuristics;
import dev.jdnn.ops.cuda.graphapi.GraphTensor;
import dev.jdnn.ops.cuda.graphapi.HeuristicsMode;
import dev.jdnn.ops.cuda.graphapi.OperationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every fused pattern's cuDNN operation graph, built and finalised by the real libcudnn without a GPU, for the
 * dtypes and layouts the plans take (float32 NCHW today; bf16 and fp16 NHWC for the mixed-precision work), plain,
 * strided and grouped convolutions; and the chooser driven by cuDNN's real heuristics, which offer no engine without
 * a device: the NO_ENGINE fallback, end to end.
 */
class FusedGraphsTest {
    @BeforeAll
    static void requireDeviceLessGraphs() {
        assumeTrue(NativeLibraries.isAvailable(Library.CUDNN), "libcudnn not found (" + Library.CUDNN.requirement() + "): fused graph tests skipped");
        try {
            CudaBnBackward.graph(BnBackwardSpec.of(new BatchNormSpec(Shape.of(2, 8, 4, 4), 1e-5, 0.1)), MemorySegment.NULL).close();
        } catch (CudaException e) {
            assumeTrue(false, "cuDNN " + cudnn_h.cudnnGetVersion() + " needs a device to finalise operation graphs: " + e.getMessage());
        }
    }

    private static final List<Conv2dSpec> CONVS = List.of(
            new Conv2dSpec(8, 64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, false),    // ResNet basic-block 3x3
            new Conv2dSpec(8, 64, 14, 14, 256, 1, 1, 1, 1, 0, 0, 1, 1, 1, false),   // bottleneck 1x1 expansion
            new Conv2dSpec(8, 128, 28, 28, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, false),  // strided downsampling
            new Conv2dSpec(8, 64, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 32, false));  // grouped (ResNeXt)

    private record Format(DType dtype, MemoryFormat layout) {}

    private static final List<Format> FORMATS = List.of(new Format(DType.FLOAT32, MemoryFormat.NCHW), new Format(DType.FLOAT32, MemoryFormat.NHWC),
            new Format(DType.BFLOAT16, MemoryFormat.NHWC), new Format(DType.FLOAT16, MemoryFormat.NHWC));

    private static Set<Long> uids(OperationGraph g) {
        return g.boundTensors().stream().map(GraphTensor::uid).collect(Collectors.toSet());
    }

    private static Conv2dSpec withBias(Conv2dSpec s) {
        return new Conv2dSpec(s.batch(), s.inChannels(), s.height(), s.width(), s.outChannels(), s.kernelH(), s.kernelW(),
                s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW(), s.groups(), true);
    }

    @Test
    void convBiasActivationGraphs() {
        for (Conv2dSpec conv : CONVS) for (Format f : FORMATS) {
            var spec = ConvBiasActivationSpec.of(withBias(conv), Activation.RELU).with(f.dtype(), f.layout());
            try (OperationGraph g = CudaConvBiasActivation.graph(spec, MemorySegment.NULL)) {
                assertEquals("conv-forward -> add -> relu_fwd", g.summary(), spec.describe());
                assertEquals(Set.of(1L, 2L, 3L, 4L), uids(g));
            }
        }
        try (OperationGraph g = CudaConvBiasActivation.graph(ConvBiasActivationSpec.of(CONVS.getFirst(), Activation.IDENTITY), MemorySegment.NULL)) {
            assertEquals("conv-forward", g.summary(), "no bias, no activation: the plain convolution");
            assertEquals(Set.of(1L, 2L, 4L), uids(g));
        }
        try (OperationGraph g = CudaConvBiasActivation.graph(ConvBiasActivationSpec.of(CONVS.getFirst(), Activation.RELU), MemorySegment.NULL)) {
            assertEquals("conv-forward -> relu_fwd", g.summary());
        }
    }

    @Test
    void convStatsGraphsWithAndWithoutTheScaleBiasReluInput() {
        for (Conv2dSpec conv : CONVS) for (Format f : FORMATS) {
            try (OperationGraph g = CudaConvStats.graph(ConvStatsSpec.of(conv, false).with(f.dtype(), f.layout()), MemorySegment.NULL)) {
                assertEquals("conv-forward -> gen-stats", g.summary());
                assertEquals(Set.of(1L, 4L, 5L, 6L, 7L), uids(g));
            }
            try (OperationGraph g = CudaConvStats.graph(ConvStatsSpec.of(conv, true).with(f.dtype(), f.layout()), MemorySegment.NULL)) {
                assertEquals("mul -> add -> relu_fwd -> conv-forward -> gen-stats", g.summary());
                assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), uids(g));
            }
        }
    }

    @Test
    void dgradDreluGraphsWithTheReluInputGivenOrRecomputed() {
        for (Conv2dSpec conv : CONVS) for (Format f : FORMATS) {
            try (OperationGraph g = CudaDgradDrelu.graph(DgradDreluSpec.of(conv, false).with(f.dtype(), f.layout()), MemorySegment.NULL)) {
                assertEquals("conv-backward-data -> relu-backward", g.summary());
                assertEquals(Set.of(1L, 2L, 3L, 6L), uids(g));
            }
            try (OperationGraph g = CudaDgradDrelu.graph(DgradDreluSpec.of(conv, true).with(f.dtype(), f.layout()), MemorySegment.NULL)) {
                assertEquals("conv-backward-data -> mul -> add -> relu-backward", g.summary());
                assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L), uids(g));
            }
        }
    }

    @Test
    void batchNormGraphs() {
        try (OperationGraph g = CudaBnFinalize.graph(new BnFinalizeSpec(256, 8 * 14 * 14, 1e-5, 0.1), MemorySegment.NULL)) {
            assertEquals("bn-finalize", g.summary());
            assertEquals(15, uids(g).size());
            assertEquals(3, g.boundTensors().stream().filter(GraphTensor::byValue).count(), "count, epsilon and momentum are passed by value");
        }
        for (Format f : FORMATS) {
            var spec = BnBackwardSpec.of(new BatchNormSpec(Shape.of(8, 64, 14, 14), 1e-5, 0.1)).with(f.dtype(), f.layout());
            try (OperationGraph g = CudaBnBackward.graph(spec, MemorySegment.NULL)) {
                assertEquals("batch-norm-backward", g.summary());
                assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), uids(g));
            }
        }
    }

    /**
     * The chooser on a real graph with cuDNN's real heuristics. Without a device they offer nothing, which must come
     * out as NO_ENGINE naming the heuristics; with a device this test has nothing to show and skips.
     */
    @Test
    void withoutADeviceTheRealHeuristicsOfferNothingAndThePatternFallsBack() {
        assumeFalse(CudaBackend.isAvailable(), "a GPU is present: the heuristics offer engines (the gpu-tagged tests cover that)");
        var spec = ConvBiasActivationSpec.of(withBias(CONVS.getFirst()), Activation.RELU);
        try (OperationGraph graph = CudaConvBiasActivation.graph(spec, MemorySegment.NULL)) {
            EngineChooser.Engines<String> engines = new EngineChooser.Engines<>() {
                @Override public List<EngineCandidate> offered(HeuristicsMode mode) { return EngineHeuristics.query(graph, mode); }
                @Override public String build(EngineChoice choice) { return fail("nothing offered, nothing to build"); }
                @Override public long workspaceBytes(String plan) { return 0; }
                @Override public double millis(String plan) { return fail("no timing without a plan"); }
                @Override public void discard(String plan) {}
            };
            var store = new FusedEngineStore(null, new ChoiceStore.DeviceKey("none", 9, 0, 132, cudnn_h.cudnnGetVersion()), w -> fail(w));
            var policy = new EngineChooser.Policy(false, false, 1L << 28, true, 4);
            var outcome = EngineChooser.choose(engines, spec.dtype(), policy, store, FusedEngineStore.FusedKey.of(spec, false, false, "fixed:268435456"));
            var refused = assertInstanceOf(EngineChooser.Outcome.Refused.class, outcome);
            assertEquals(Fusion.Reason.NO_ENGINE, refused.reason());
            assertTrue(refused.detail().contains("offered no engine configuration"), refused.detail());
        }
    }

    /** The check every plan creation makes, here on the graphs alone, so a uid mismatch shows without a GPU. */
    @Test
    void everyPlanBindsExactlyItsGraphsTensors() {
        for (boolean variant : new boolean[]{false, true}) {
            var cba = ConvBiasActivationSpec.of(variant ? withBias(CONVS.getFirst()) : CONVS.getFirst(), Activation.RELU).with(DType.BFLOAT16, MemoryFormat.NHWC);
            try (var g = CudaConvBiasActivation.graph(cba, MemorySegment.NULL)) {
                CudaFusedGraph.checkBindings(cba, g, CudaConvBiasActivation.operands(cba), Set.of());
            }
            var stats = ConvStatsSpec.of(CONVS.getFirst(), variant);
            try (var g = CudaConvStats.graph(stats, MemorySegment.NULL)) {
                CudaFusedGraph.checkBindings(stats, g, CudaConvStats.operands(stats), Set.of());
            }
            var dgrad = DgradDreluSpec.of(CONVS.getFirst(), variant);
            try (var g = CudaDgradDrelu.graph(dgrad, MemorySegment.NULL)) {
                CudaFusedGraph.checkBindings(dgrad, g, CudaDgradDrelu.operands(dgrad), Set.of());
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> CudaFusedGraph.checkBindings(dgrad, g, CudaDgradDrelu.operands(dgrad), Set.of(99L)));
                assertTrue(e.getMessage().startsWith(dgrad.pattern() + ": the graph binds uids"), e.getMessage());
            }
        }
        var fin = new BnFinalizeSpec(8, 32, 1e-5, 0.1);
        try (var g = CudaBnFinalize.graph(fin, MemorySegment.NULL)) {
            CudaFusedGraph.checkBindings(fin, g, CudaBnFinalize.OPERANDS, CudaBnFinalize.OWNED);
        }
        var dbn = BnBackwardSpec.of(new BatchNormSpec(Shape.of(2, 8, 4, 4), 1e-5, 0.1));
        try (var g = CudaBnBackward.graph(dbn, MemorySegment.NULL)) {
            CudaFusedGraph.checkBindings(dbn, g, CudaBnBackward.OPERANDS, Set.of());
        }
    }
}
